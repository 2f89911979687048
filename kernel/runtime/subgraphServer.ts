// Builds and serves one silo's subgraph the same way for all four: SDL-first schema, @pii fields
// disclosed per viewer, a context whose Viewer comes only from the gateway-signed header.
import type { IncomingMessage } from "node:http";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper";
import { GraphQLError, parse, type GraphQLSchema } from "graphql";
import type { IRules } from "graphql-shield";
import { VIEWER_HEADER, viewerHeaderVerifier } from "../auth/viewerHeader";
import type { Viewer } from "../auth/viewer";
import { protectWith } from "../auth/rules";
import { applyPiiDisclosure, assertPurpose, type PiiContext, type ScopeCheck } from "../privacy/piiFields";
import { clientOperationName, DisclosureLog, type AuditSink } from "../privacy/audit";
import { applyEntityIds, type EntityIdSpec } from "../privacy/entityIds";
import { serve, type Route, type RunningServer } from "../http/serve";
import { DateTimeScalar } from "./scalars";
import type { Registry } from "prom-client";
import { attachObservability, createObservability, observabilityOf, observabilityPlugin, requestIdOf } from "../observability";
import { publicError } from "./publicErrors";
import { errorBoundaryPlugin } from "./errorBoundary";
import { useDirectQueryHash } from "./apolloQueryHash";
import { KnownQueries } from "./knownQueries";

export interface SubgraphContext extends PiiContext {
  viewer: Viewer;
  /** The gateway's request id (X-Request-Id), on log lines and audit rows. */
  requestId?: string;
}

/** Withholds a response whose full disclosures could not be audited (fail closed). */
const AUDIT_UNAVAILABLE = () =>
  new GraphQLError("The disclosure audit log could not be written, so this answer is withheld; try again shortly.", { extensions: { code: "AUDIT_UNAVAILABLE" } });

export interface SubgraphDefinition<C extends SubgraphContext> {
  name: string;
  typeDefs: string;
  resolvers: GraphQLResolverMap<C>;
  /** The silo's graphql-shield permissions map; there is no way to serve a silo without one. */
  permissions: IRules;
  /** Whether a parent's owner is inside the viewer's scope, for the silo's @pii fields. */
  scope?: ScopeCheck<C>;
  /** Where full disclosures of others are recorded; required when the SDL has @pii fields. */
  audit?: AuditSink;
  /** The silo's ids that lead back to a person, served per audience (kernel/privacy/entityIds.ts). */
  entityIds?: EntityIdSpec;
}

/** Builds the executable subgraph schema: resolvers, then @pii disclosure, then permissions, then per-audience ids outermost. */
export function buildSchema<C extends SubgraphContext>(def: SubgraphDefinition<C>): GraphQLSchema {
  const schema = buildSubgraphSchema({ typeDefs: parse(def.typeDefs), resolvers: { DateTime: DateTimeScalar, ...def.resolvers } as GraphQLResolverMap<unknown> });
  const pii = applyPiiDisclosure(schema, def.scope);
  if (pii.length > 0 && !def.audit) throw new Error(`${def.name} has @pii fields but no audit sink`);
  const guarded = protectWith(def.permissions)(schema);
  if (def.entityIds) applyEntityIds(guarded, def.entityIds);
  return guarded;
}

/** Writes the request's full disclosures of others; the error body to send instead if that fails. */
async function auditDisclosures<C extends SubgraphContext>(def: SubgraphDefinition<C>, contextValue: C, operationName: string | null | undefined): Promise<{ errors: unknown[] } | undefined> {
  const log = contextValue.disclosed;
  if (!log || log.size === 0 || !def.audit) return undefined;
  try {
    await def.audit.append(contextValue.viewer, clientOperationName(operationName), log, contextValue.requestId);
    return undefined;
  } catch {
    return { errors: [AUDIT_UNAVAILABLE().toJSON()] };
  }
}

/** The short path of each subgraph server (knownQueries.ts), and what it does after executing. */
const shortPaths = new WeakMap<object, { known: KnownQueries; finish: <C extends SubgraphContext>(contextValue: C, operationName: string | null, data: unknown, seconds: number) => Promise<Record<string, unknown>> }>();

/** An Apollo Server for a subgraph; stack traces stay out of responses outside development. */
export function buildSubgraphServer<C extends SubgraphContext>(def: SubgraphDefinition<C>): ApolloServer<C> {
  const obs = createObservability(def.name);
  useDirectQueryHash();
  const schema = buildSchema(def);
  const known = new KnownQueries(schema);
  const server = new ApolloServer<C>({
    schema,
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      // Installed by default, the cache-control plugin wraps every field's resolver to collect
      // cache hints; nothing here sets or reads them (the gateway answers POSTs, never cached).
      ApolloServerPluginCacheControlDisabled(),
      observabilityPlugin<C>(obs.metrics, obs.log),
      errorBoundaryPlugin<C>(def.name, (record) => obs.log.error(record, String(record.msg ?? "internal error"))),
      {
        // Full disclosures of others are written before the response leaves; if that fails, the
        // response is replaced by an error, so nothing is ever shown without its audit record.
        async requestDidStart() {
          return {
            // A mutation under a stated purpose that names no open case is refused before it
            // runs, so nothing is written (a field-level refusal would come after the write).
            async didResolveOperation({ contextValue, operation, document, request }) {
              if (operation?.operation === "query" && !request.extensions?.persistedQuery) known.remember(request.query, document);
              if (operation?.operation !== "mutation" || contextValue.viewer.purpose === undefined || !contextValue.openCase) return;
              try {
                await assertPurpose(contextValue);
              } catch (e) {
                const err = e as GraphQLError;
                throw new GraphQLError(err.message, { extensions: { ...err.extensions, http: { status: 400 } } });
              }
            },
            async willSendResponse({ contextValue, response, operationName, operation, request }) {
              if (response.body.kind !== "single") return;
              if (operation?.operation === "query" && !response.body.singleResult.errors?.length) known.succeeded(request.query);
              const withheld = await auditDisclosures(def, contextValue, operationName);
              if (withheld) response.body.singleResult = withheld as typeof response.body.singleResult;
            },
          };
        },
      },
    ],
    includeStacktraceInErrorResponses: process.env.NODE_ENV === "development",
    formatError: publicError,
    // A subgraph answers only requests that carry the gateway-signed Viewer header: a browser
    // cannot add it to a cross-site request, and no cookie authenticates anything here, so
    // Apollo's CSRF check (a content-type parse per request) protects nothing.
    csrfPrevention: false,
  });
  attachObservability(server, obs);
  shortPaths.set(server, {
    known,
    // What the plugins' willSendResponse hooks do for a query answered without errors: the
    // operation counted and timed as "ok" (before the audit, as observabilityPlugin does), then the audit.
    finish: async (contextValue, operationName, data, seconds) => {
      obs.metrics.operations.inc({ type: "query", outcome: "ok" });
      obs.metrics.operationDuration.observe({ type: "query" }, seconds);
      return (await auditDisclosures(def, contextValue as never, operationName)) ?? { data };
    },
  });
  return server;
}

export interface StartOptions<C extends SubgraphContext> {
  port: number;
  host?: string;
  viewerKey: Uint8Array;
  /** Builds the per-request context (loaders are created here, once per request). */
  context: (viewer: Viewer) => C;
  /** Readiness: true when the silo's database answers. */
  ready: () => Promise<boolean>;
  /** Further GET routes beside /health, /ready and /metrics. */
  routes?: Record<string, Route>;
  /** Adds the silo's own metrics (its events) to the registry /metrics serves. */
  registerMetrics?: (registry: Registry) => void;
}

/** Starts the subgraph's HTTP server with /health and /ready beside /graphql. */
export async function startSubgraph<C extends SubgraphContext>(server: ApolloServer<C>, opts: StartOptions<C>): Promise<RunningServer> {
  await server.start();
  const observability = observabilityOf(server) ?? createObservability("subgraph");
  opts.registerMetrics?.(observability.metrics.registry);
  const verifyViewer = viewerHeaderVerifier(opts.viewerKey);
  const context = async (req: IncomingMessage): Promise<C> => {
    const header = req.headers[VIEWER_HEADER];
    const viewer = await verifyViewer(Array.isArray(header) ? header[0] : header);
    return { ...opts.context(viewer), disclosed: new DisclosureLog(), requestId: requestIdOf(req) };
  };
  const short = shortPaths.get(server);
  const hooks = short && { context, finish: short.finish<C> };
  return serve(server, {
    port: opts.port,
    host: opts.host,
    observability,
    context,
    answerKnown: short && hooks ? (req, body, res) => short.known.answer(hooks, req, body, res) : undefined,
    routes: {
      ...opts.routes,
      "/health": (_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}'),
      "/ready": async (_req, res) => {
        const ok = await opts.ready().catch(() => false);
        res.writeHead(ok ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ status: ok ? "ready" : "database unavailable" }));
      },
    },
  });
}
