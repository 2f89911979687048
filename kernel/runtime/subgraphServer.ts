// Builds and serves one silo's subgraph the same way for all four: SDL-first schema, @pii fields
// disclosed per viewer, a context whose Viewer comes only from the gateway-signed header.
import type { IncomingMessage } from "node:http";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper";
import { parse, type GraphQLSchema } from "graphql";
import { VIEWER_HEADER, verifyViewerHeader } from "../auth/viewerHeader";
import type { Viewer } from "../auth/viewer";
import { applyPiiDisclosure, type PiiContext } from "../privacy/piiFields";
import { serve, type RunningServer } from "../http/serve";
import { DateTimeScalar } from "./scalars";

export interface SubgraphContext extends PiiContext {
  viewer: Viewer;
}

export interface SubgraphDefinition<C extends SubgraphContext> {
  name: string;
  typeDefs: string;
  resolvers: GraphQLResolverMap<C>;
  /** Wraps the schema with the silo's authorization rules (graphql-shield). */
  protect?: (schema: GraphQLSchema) => GraphQLSchema;
}

/** Builds the executable subgraph schema: resolvers, then @pii disclosure, then permissions. */
export function buildSchema<C extends SubgraphContext>(def: SubgraphDefinition<C>): GraphQLSchema {
  const schema = buildSubgraphSchema({ typeDefs: parse(def.typeDefs), resolvers: { DateTime: DateTimeScalar, ...def.resolvers } as GraphQLResolverMap<unknown> });
  applyPiiDisclosure(schema);
  return def.protect ? def.protect(schema) : schema;
}

/** An Apollo Server for a subgraph; stack traces stay out of responses outside development. */
export function buildSubgraphServer<C extends SubgraphContext>(def: SubgraphDefinition<C>): ApolloServer<C> {
  return new ApolloServer<C>({
    schema: buildSchema(def),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    includeStacktraceInErrorResponses: process.env.NODE_ENV === "development",
  });
}

export interface StartOptions<C extends SubgraphContext> {
  port: number;
  host?: string;
  viewerKey: Uint8Array;
  /** Builds the per-request context (loaders are created here, once per request). */
  context: (viewer: Viewer) => C;
  /** Readiness: true when the silo's database answers. */
  ready: () => Promise<boolean>;
}

/** Starts the subgraph's HTTP server with /health and /ready beside /graphql. */
export async function startSubgraph<C extends SubgraphContext>(server: ApolloServer<C>, opts: StartOptions<C>): Promise<RunningServer> {
  await server.start();
  return serve(server, {
    port: opts.port,
    host: opts.host,
    context: async (req: IncomingMessage) => {
      const header = req.headers[VIEWER_HEADER];
      const viewer = await verifyViewerHeader(Array.isArray(header) ? header[0] : header, opts.viewerKey);
      return opts.context(viewer);
    },
    routes: {
      "/health": (_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}'),
      "/ready": async (_req, res) => {
        const ok = await opts.ready().catch(() => false);
        res.writeHead(ok ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ status: ok ? "ready" : "database unavailable" }));
      },
    },
  });
}
