// Builds the gateway: @apollo/gateway over the checked-in supergraph (never composed at run
// time), client tokens verified here, the Viewer forwarded to subgraphs in a signed header. Each
// subgraph has its own client (bounded queue, deadline, circuit breaker), so one slow or dead silo
// costs only its own fields.
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { ApolloGateway } from "@apollo/gateway";
import Redis from "ioredis";
import { tokenVerifier } from "../kernel/auth/tokens";
import { serve, type RunningServer } from "../kernel/http/serve";
import { errorBoundaryPlugin } from "../kernel/runtime/errorBoundary";
import { publicError } from "../kernel/runtime/publicErrors";
import type { GatewayConfig } from "./config";
import { contextFactory, type GatewayContext } from "./context";
import { ViewerForwardingDataSource, type UnavailableReason } from "./dataSource";
import { loadSheddingPlugin } from "./loadShedding";
import { checkSubgraphs, gatewayReady, readinessBody, renderSubgraphMetrics } from "./readiness";
import { RedisKeyValueCache } from "./redisCache";
import { rootAccessPlugin } from "./rootAccess";
import { subgraphClient, type SubgraphClient } from "./subgraphClient";

/** Logs a subgraph call that produced no answer (names and reasons only; the request id finds the rest). */
function logUnavailable(name: string, reason: UnavailableReason, err: unknown, ctx: GatewayContext | undefined): void {
  // A breaker that is open refuses every call: those are counted in /metrics, not logged one by one.
  if (reason === "CIRCUIT_OPEN") return;
  const code = (err as { code?: unknown })?.code;
  console.error(JSON.stringify({ level: "warn", msg: "subgraph call failed", subgraph: name, reason, code: typeof code === "string" ? code : null, requestId: ctx?.requestId ?? null }));
}

/** Starts the gateway and its HTTP server (/graphql, /health, /ready, /metrics). */
export async function startGateway(config: GatewayConfig): Promise<RunningServer> {
  const deadlineMs = config.requestDeadlineMs ?? 10_000;
  const resetMs = config.breakerResetMs ?? 5_000;
  const clients = new Map<string, SubgraphClient>();
  const clientOf = (name: string) => {
    let c = clients.get(name);
    if (!c) clients.set(name, (c = subgraphClient(name, { maxSockets: config.subgraphMaxSockets, maxQueue: config.subgraphMaxQueue, resetTimeoutMs: resetMs, defaultTimeoutMs: deadlineMs })));
    return c;
  };
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(config.supergraphPath, "utf8"),
    buildService: ({ name, url }) => new ViewerForwardingDataSource(config.subgraphUrls[name] ?? url!, clientOf(name).fetch, name, logUnavailable),
  });
  const redis = config.redisUrl ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false }) : undefined;
  redis?.on("error", () => undefined);
  const server = new ApolloServer<GatewayContext>({
    gateway,
    cache: redis ? new RedisKeyValueCache(redis) : undefined,
    plugins: [rootAccessPlugin(), errorBoundaryPlugin<GatewayContext>("gateway"), loadSheddingPlugin(Math.ceil(resetMs / 1000))],
    includeStacktraceInErrorResponses: process.env.NODE_ENV === "development",
    formatError: publicError,
  });
  await server.start();
  const subgraphStates = () => checkSubgraphs(config.subgraphUrls, (name) => clients.get(name)?.stats());
  const running = await serve(server, {
    port: config.port,
    host: config.host,
    context: contextFactory(tokenVerifier({ hs256Secret: config.secrets.tokenSecret, jwksUrl: config.jwksUrl }), config.secrets.viewerKey, deadlineMs, Math.min(deadlineMs, config.subgraphTimeoutMs ?? Math.ceil(deadlineMs / 2))),
    routes: {
      "/health": (_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}'),
      "/ready": async (_req, res) => {
        const subgraphs = await subgraphStates();
        res.writeHead(gatewayReady(subgraphs) ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(readinessBody(subgraphs)));
      },
      "/metrics": async (_req, res) => {
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(renderSubgraphMetrics(await subgraphStates()));
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
