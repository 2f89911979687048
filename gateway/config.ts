// The gateway's settings, read and checked once at start-up.
import { join } from "node:path";
import { ConfigError, optionalEnv, portFromEnv, urlFromEnv } from "../kernel/config/env";
import { dataDirFromEnv, loadSecrets, type Secrets } from "../kernel/config/secrets";
import { limitsFromEnv, type OperationLimits } from "./limits";
import { DEFAULT_PLANNING, type PlanningBudget } from "./planning/budget";
import { rateLimitsFromEnv, type RateLimits } from "./rateLimit/config";
import { DEFAULT_PORTS, SILOS, envPrefix, graphName } from "../kernel/config/silos";

export interface GatewayConfig {
  port: number;
  host?: string;
  /** Subgraph URL by supergraph name (health_code, testing, venues, appeals). */
  subgraphUrls: Record<string, string>;
  supergraphPath: string;
  secrets: Secrets;
  /** Production: verify client tokens against this JWKS instead of the HS256 secret. */
  jwksUrl?: string;
  /** Services mode: shared cache (automatic persisted queries) across gateway replicas. */
  redisUrl?: string;
  /** Operation and body limits (defaults: gateway/limits/config.ts). */
  limits?: OperationLimits;
  /** The query-planning time budget (default gateway/planning/budget.ts); false turns it off (PLANNING_BUDGET_MS=off). */
  planning?: PlanningBudget | false;
  /** Rate limits per address, per subject and for failed sign-ins (defaults: gateway/rateLimit/config.ts). */
  rateLimits?: RateLimits;
  /** Redis key prefix of the rate-limit counters (tests keep theirs apart). */
  rateLimitPrefix?: string;
  /** Production: no field suggestions, no stack traces (default: NODE_ENV=production). */
  production?: boolean;
  /** One deadline per client request, bounding every subgraph call and its wait for a socket. */
  requestDeadlineMs?: number;
  /** The longest one subgraph call may take (default half the deadline: a call planned after a slow one keeps time). */
  subgraphTimeoutMs?: number;
  /** Per subgraph: requests in flight, requests waiting, and how long its open breaker waits before a probe. */
  subgraphMaxSockets?: number;
  subgraphMaxQueue?: number;
  breakerResetMs?: number;
}

/** Parses a positive whole number of something (milliseconds, sockets). */
function positiveIntFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = optionalEnv(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${name} must be a positive whole number (got "${raw}").`);
  return n;
}

/** Reads the gateway's configuration from the environment. */
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const subgraphUrls: Record<string, string> = {};
  for (const silo of SILOS) {
    const prefix = envPrefix(silo);
    const port = portFromEnv(env, `${prefix}_PORT`, DEFAULT_PORTS[silo]);
    subgraphUrls[graphName(silo)] = urlFromEnv(env, `${prefix}_URL`, `http://127.0.0.1:${port}/graphql`)!;
  }
  return {
    port: portFromEnv(env, "GATEWAY_PORT", DEFAULT_PORTS.gateway),
    host: optionalEnv(env, "HOST"),
    subgraphUrls,
    supergraphPath: optionalEnv(env, "SUPERGRAPH_PATH") ?? join(__dirname, "..", "schema", "supergraph.graphql"),
    secrets: loadSecrets(env, dataDirFromEnv(env)),
    jwksUrl: urlFromEnv(env, "AUTH_JWKS_URL"),
    redisUrl: optionalEnv(env, "REDIS_URL"),
    limits: limitsFromEnv(env),
    rateLimits: rateLimitsFromEnv(env),
    planning: optionalEnv(env, "PLANNING_BUDGET_MS") === "off" ? false : { ...DEFAULT_PLANNING, budgetMs: positiveIntFromEnv(env, "PLANNING_BUDGET_MS", DEFAULT_PLANNING.budgetMs) },
    requestDeadlineMs: positiveIntFromEnv(env, "GATEWAY_DEADLINE_MS", 10_000),
    subgraphTimeoutMs: positiveIntFromEnv(env, "SUBGRAPH_TIMEOUT_MS", 5_000),
    subgraphMaxSockets: positiveIntFromEnv(env, "SUBGRAPH_MAX_SOCKETS", 64),
    subgraphMaxQueue: positiveIntFromEnv(env, "SUBGRAPH_MAX_QUEUE", 256),
    breakerResetMs: positiveIntFromEnv(env, "SUBGRAPH_BREAKER_RESET_MS", 5_000),
  };
}
