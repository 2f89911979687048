// Builds the gateway: @apollo/gateway over the checked-in supergraph (never composed at run
// time), client tokens verified here, the Viewer forwarded to subgraphs in a signed header. Each
// subgraph has its own client (bounded queue, deadline, circuit breaker), so one slow or dead silo
// costs only its own fields; operation limits and rate limits refuse hostile requests before planning.
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { ApolloGateway } from "@apollo/gateway";
import type { GraphQLFormattedError } from "graphql";
import Redis from "ioredis";
import { tokenVerifier } from "../kernel/auth/tokens";
import { serve, type RunningServer } from "../kernel/http/serve";
import { createObservability, observabilityPlugin, type Logger } from "../kernel/observability";
import { errorBoundaryPlugin } from "../kernel/runtime/errorBoundary";
import { publicError } from "../kernel/runtime/publicErrors";
import { applyStrictScalars } from "../kernel/runtime/scalars";
import type { GatewayConfig } from "./config";
import { clientAddress, contextFactory, type GatewayContext } from "./context";
import { ViewerForwardingDataSource, type UnavailableReason } from "./dataSource";
import { measuredFetcher } from "./fetchMetrics";
import { formatGatewayError } from "./formatError";
import { DEFAULT_LIMITS, entityTypes, limitRules, operationLimitsPlugin } from "./limits";
import { loadSheddingPlugin } from "./loadShedding";
import { DEFAULT_PLANNING, PlanningGuard, planningBudgetPlugin, planningMetrics } from "./planning/budget";
import { DEFAULT_RATE_LIMITS } from "./rateLimit/config";
import { gatewayRateLimiter } from "./rateLimit/limiter";
import { checkSubgraphs, gatewayReady, readinessBody, renderSubgraphMetrics } from "./readiness";
import { installQueryHash } from "./queryHash";
import { RedisKeyValueCache } from "./redisCache";
import { refusalStatusPlugin } from "./refusalStatus";
import { rootAccessPlugin } from "./rootAccess";
import { subgraphClient, type SubgraphClient } from "./subgraphClient";

/** Logs a subgraph call that produced no answer (names and reasons only; the request id finds the rest). */
function unavailableLogger(log: Logger) {
  return (name: string, reason: UnavailableReason, err: unknown, ctx: GatewayContext | undefined): void => {
    // A breaker that is open refuses every call: those are counted in /metrics, not logged one by one.
    if (reason === "CIRCUIT_OPEN") return;
    const code = (err as { code?: unknown })?.code;
    log.warn({ subgraph: name, reason, code: typeof code === "string" ? code : null, requestId: ctx?.requestId ?? null }, "subgraph call failed");
  };
}

/** What a client sees of an error: the gateway's own mapping, then the boundary that hides internals. */
function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  return publicError(formatGatewayError(formatted, error), error);
}

/** Starts the gateway and its HTTP server (/graphql, /health, /ready, /metrics). */
export async function startGateway(config: GatewayConfig): Promise<RunningServer> {
  installQueryHash();
  const obs = createObservability("gateway");
  const deadlineMs = config.requestDeadlineMs ?? 10_000;
  const resetMs = config.breakerResetMs ?? 5_000;
  const clients = new Map<string, SubgraphClient>();
  const clientOf = (name: string) => {
    let c = clients.get(name);
    if (!c) clients.set(name, (c = subgraphClient(name, { maxSockets: config.subgraphMaxSockets, maxQueue: config.subgraphMaxQueue, resetTimeoutMs: resetMs, defaultTimeoutMs: deadlineMs })));
    return c;
  };
  const limits = config.limits ?? DEFAULT_LIMITS;
  const supergraphSdl = readFileSync(config.supergraphPath, "utf8");
  const logUnavailable = unavailableLogger(obs.log);
  const fetchers = new Map<string, ReturnType<typeof measuredFetcher>>();
  const fetcherOf = (name: string) => {
    let f = fetchers.get(name);
    if (!f) fetchers.set(name, (f = measuredFetcher(clientOf(name).fetch, obs.metrics.registry, name)));
    return f;
  };
  // @apollo/gateway reports usage data to Apollo (an OTLP exporter, after probing cloud metadata
  // endpoints) unless APOLLO_TELEMETRY_DISABLED is set: a public-health gateway sends nothing to
  // third parties. Read by the constructor below; an operator's own value is kept.
  process.env.APOLLO_TELEMETRY_DISABLED ??= "true";
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new ViewerForwardingDataSource(config.subgraphUrls[name] ?? url!, fetcherOf(name), name, logUnavailable),
  });
  const redis = config.redisUrl ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false }) : undefined;
  redis?.on("error", () => undefined);
  // Shared counters (rate limits) are only shared once Redis answers: give it a moment at start,
  // without making the gateway's start depend on it.
  if (redis && redis.status !== "ready") await Promise.race([new Promise((r) => redis.once("ready", r)), new Promise((r) => setTimeout(r, 2000).unref())]);
  // The API schema is built from SDL, so its DateTime accepts anything: make it strict before
  // Apollo Server validates the first request against it.
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => applyStrictScalars(apiSchema));
  // Operations are planned first in a worker under a time budget, so no plan holds the event loop long.
  const planning = config.planning === undefined ? DEFAULT_PLANNING : config.planning;
  const planningGuard = planning ? new PlanningGuard(supergraphSdl, planning) : undefined;
  if (planningGuard) planningMetrics(planningGuard, obs.metrics.registry);
  const production = config.production ?? process.env.NODE_ENV === "production";
  const server = new ApolloServer<GatewayContext>({
    gateway,
    cache: redis ? new RedisKeyValueCache(redis) : undefined,
    plugins: [
      observabilityPlugin(obs.metrics, obs.log),
      rootAccessPlugin(),
      operationLimitsPlugin(limits, entityTypes(supergraphSdl)),
      refusalStatusPlugin(),
      errorBoundaryPlugin<GatewayContext>("gateway", (record) => obs.log.error(record, String(record.msg ?? "internal error"))),
      loadSheddingPlugin(Math.ceil(resetMs / 1000)),
      ...(planningGuard ? [planningBudgetPlugin<GatewayContext>(planningGuard)] : []),
    ],
    // Limits run before planning; graphql-js stops parsing at maxTokens, and Apollo Server counts
    // selections with fragments expanded before the other rules run.
    validationRules: limitRules(limits),
    parseOptions: limits.enabled ? { maxTokens: limits.maxTokens } : undefined,
    maxRecursiveSelections: limits.enabled ? limits.maxRecursiveSelections : undefined,
    // No "did you mean" field suggestions for strangers probing the schema in production.
    hideSchemaDetailsFromClientErrors: production,
    formatError,
    includeStacktraceInErrorResponses: process.env.NODE_ENV === "development",
  });
  await server.start();
  const limiter = gatewayRateLimiter(config.rateLimits ?? DEFAULT_RATE_LIMITS, redis, config.rateLimitPrefix);
  const subgraphStates = () => checkSubgraphs(config.subgraphUrls, (name) => clients.get(name)?.stats());
  const verify = tokenVerifier({ hs256Secret: config.secrets.tokenSecret, jwksUrl: config.jwksUrl });
  const fetchTimeoutMs = Math.min(deadlineMs, config.subgraphTimeoutMs ?? Math.ceil(deadlineMs / 2));
  const running = await serve(server, {
    port: config.port,
    host: config.host,
    maxBodyBytes: limits.maxBodyBytes,
    observability: obs,
    admit: limiter ? (req, res) => limiter.admitAddress(clientAddress(req), res) : undefined,
    context: contextFactory(verify, config.secrets.viewerKey, { deadlineMs, fetchTimeoutMs }, limiter),
    routes: {
      "/health": (_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}'),
      "/ready": async (_req, res) => {
        const subgraphs = await subgraphStates();
        res.writeHead(gatewayReady(subgraphs) ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(readinessBody(subgraphs)));
      },
      // The gateway's registry (HTTP, operations, subgraph fetches, process) and each subgraph's state.
      "/metrics": async (_req, res) => {
        const [own, states] = await Promise.all([obs.metrics.registry.metrics(), subgraphStates()]);
        res.writeHead(200, { "content-type": obs.metrics.registry.contentType }).end(own + renderSubgraphMetrics(states));
      },
    },
  });
  return {
    ...running,
    async stop() {
      await running.stop();
      for (const c of clients.values()) c.destroy();
      redis?.disconnect();
    },
  };
}
