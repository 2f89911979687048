// Builds the gateway: @apollo/gateway over the checked-in supergraph (never composed at run
// time), client tokens verified here, the Viewer forwarded to subgraphs in a signed header.
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { ApolloGateway } from "@apollo/gateway";
import Redis from "ioredis";
import { tokenVerifier } from "../kernel/auth/tokens";
import { keepAliveFetcher } from "../kernel/http/keepAliveFetcher";
import { serve, type RunningServer } from "../kernel/http/serve";
import type { GatewayConfig } from "./config";
import { clientAddress, contextFactory, type GatewayContext } from "./context";
import { DEFAULT_RATE_LIMITS } from "./rateLimit/config";
import { gatewayRateLimiter } from "./rateLimit/limiter";
import { ViewerForwardingDataSource } from "./dataSource";
import { checkSubgraphs } from "./readiness";
import { RedisKeyValueCache } from "./redisCache";
import { rootAccessPlugin } from "./rootAccess";
import { formatGatewayError } from "./formatError";
import { DEFAULT_LIMITS, entityTypes, limitRules, operationLimitsPlugin } from "./limits";
import { refusalStatusPlugin } from "./refusalStatus";
import { applyStrictScalars } from "../kernel/runtime/scalars";
import { createObservability, observabilityPlugin } from "../kernel/observability";
import { measuredFetcher } from "./fetchMetrics";

/** Starts the gateway and its HTTP server (/graphql, /health, /ready). */
export async function startGateway(config: GatewayConfig): Promise<RunningServer> {
  const fetcher = keepAliveFetcher();
  const obs = createObservability("gateway");
  const measured = measuredFetcher(fetcher, obs.metrics.registry, config.subgraphUrls);
  const limits = config.limits ?? DEFAULT_LIMITS;
  const supergraphSdl = readFileSync(config.supergraphPath, "utf8");
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new ViewerForwardingDataSource(config.subgraphUrls[name] ?? url!, measured),
  });
  const redis = config.redisUrl ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false }) : undefined;
  redis?.on("error", () => undefined);
  // Shared counters (rate limits) are only shared once Redis answers: give it a moment at start,
  // without making the gateway's start depend on it.
  if (redis && redis.status !== "ready") await Promise.race([new Promise((r) => redis.once("ready", r)), new Promise((r) => setTimeout(r, 2000).unref())]);
  // The API schema is built from SDL, so its DateTime accepts anything: make it strict before
  // Apollo Server validates the first request against it.
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => applyStrictScalars(apiSchema));
  const production = config.production ?? process.env.NODE_ENV === "production";
  const server = new ApolloServer<GatewayContext>({
    gateway,
    cache: redis ? new RedisKeyValueCache(redis) : undefined,
    plugins: [observabilityPlugin(obs.metrics, obs.log), rootAccessPlugin(), operationLimitsPlugin(limits, entityTypes(supergraphSdl)), refusalStatusPlugin()],
    // Limits run before planning; graphql-js stops parsing at maxTokens, and Apollo Server counts
    // selections with fragments expanded before the other rules run.
    validationRules: limitRules(limits),
    parseOptions: limits.enabled ? { maxTokens: limits.maxTokens } : undefined,
    maxRecursiveSelections: limits.enabled ? limits.maxRecursiveSelections : undefined,
    // No "did you mean" field suggestions for strangers probing the schema in production.
    hideSchemaDetailsFromClientErrors: production,
    formatError: formatGatewayError,
    includeStacktraceInErrorResponses: process.env.NODE_ENV === "development",
  });
  await server.start();
  const limiter = gatewayRateLimiter(config.rateLimits ?? DEFAULT_RATE_LIMITS, redis, config.rateLimitPrefix);
  const running = await serve(server, {
    port: config.port,
    host: config.host,
    maxBodyBytes: limits.maxBodyBytes,
    observability: obs,
    admit: limiter ? (req, res) => limiter.admitAddress(clientAddress(req), res) : undefined,
    context: contextFactory(tokenVerifier({ hs256Secret: config.secrets.tokenSecret, jwksUrl: config.jwksUrl }), config.secrets.viewerKey, limiter),
    routes: {
      "/health": (_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}'),
      "/ready": async (_req, res) => {
        const subgraphs = await checkSubgraphs(config.subgraphUrls, fetcher);
        const ready = subgraphs.every((s) => s.ready);
        res.writeHead(ready ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ status: ready ? "ready" : "not ready", subgraphs }));
      },
    },
  });
  return {
    ...running,
    async stop() {
      await running.stop();
      fetcher.destroy();
      redis?.disconnect();
    },
  };
}
