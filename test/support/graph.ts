// Starts the whole graph for a test: four real subgraphs and the gateway on port 0, talking
// real HTTP, each silo on its own database (in-memory PGlite, or a fresh PostgreSQL database in
// services mode), seeded with a small demo city, sharing one event bus (in-process, or Redis
// Streams under a key prefix of this graph's own). One handle with query() and stop().
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { signToken } from "../../kernel/auth/tokens";
import type { Viewer } from "../../kernel/auth/viewer";
import type { Secrets } from "../../kernel/config/secrets";
import { SILOS, graphName, type Silo } from "../../kernel/config/silos";
import { openSiloDatabase, type SiloDatabase } from "../../kernel/db/open";
import { buildCity, type DemoCity } from "../../kernel/demo/city";
import { launchSilo, type RunningSilo } from "../../kernel/runtime/silo";
import { declareGroups } from "../../kernel/runtime/siloEvents";
import type { EventBus } from "../../kernel/events";
import type { RunningServer } from "../../kernel/http/serve";
import { startGateway } from "../../gateway/server";
import type { GatewayConfig } from "../../gateway/config";
import { DEFAULT_PLANNING } from "../../gateway/planning/budget";
import { ALL_CONSUMER_GROUPS, SILO_MODULES } from "../../subgraphs/silos";
import { createTestDatabase, TEST_REDIS_URL } from "./services";
import { testBus } from "./bus";

export interface GraphResponse {
  status: number;
  body: { data?: any; errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, any> }>; extensions?: unknown };
}

export interface TestGraph {
  mode: "embedded" | "services";
  gateway: RunningServer;
  subgraphs: Record<Silo, RunningSilo>;
  databases: Record<Silo, SiloDatabase>;
  /** The event bus all four silos share. */
  bus: EventBus;
  secrets: Secrets;
  city: DemoCity;
  token(viewer: Viewer, ttlSeconds?: number): Promise<string>;
  query(query: string, variables?: Record<string, unknown>, auth?: Viewer | string): Promise<GraphResponse>;
  stop(): Promise<void>;
}

/** Fresh random keys: no test depends on a developer's data directory. */
export function testSecrets(): Secrets {
  return { tokenSecret: randomBytes(32), viewerKey: randomBytes(32), pepper: randomBytes(32) };
}

/** POSTs a GraphQL request and returns status and parsed body. */
export async function postGraphQL(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphResponse> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: (await res.json()) as GraphResponse["body"] };
}

export interface TestGraphOptions {
  /** Gateway settings to override (deadline, queue sizes, breaker timing). */
  gateway?: Partial<GatewayConfig>;
  /** Where the gateway finds a subgraph (e.g. a fault-injecting proxy in front of it). */
  subgraphUrl?: (silo: Silo, url: string) => string | Promise<string>;
}

/** Starts the graph in the given mode with a demo city of `residents` people. */
export async function startTestGraph(mode: "embedded" | "services", residents = 60, options: TestGraphOptions = {}): Promise<TestGraph> {
  const secrets = testSecrets();
  const city = buildCity(secrets.pepper, residents);
  const drops: Array<() => Promise<void>> = [];
  const databases = {} as Record<Silo, SiloDatabase>;
  const subgraphs = {} as Record<Silo, RunningSilo>;
  const events = testBus(mode);
  declareGroups(events.bus, ALL_CONSUMER_GROUPS);
  for (const silo of SILOS) {
    const migrationsDir = join(__dirname, "..", "..", "subgraphs", silo, "prisma", "migrations");
    let url: string | undefined;
    if (mode === "services") {
      const db = await createTestDatabase(silo);
      drops.push(db.drop);
      url = db.url;
    }
    databases[silo] = await openSiloDatabase({ url, migrationsDir, poolSize: 4 });
    subgraphs[silo] = await launchSilo(SILO_MODULES[silo].factory, { silo, port: 0, db: databases[silo], secrets, city, bus: events.bus });
  }
  const urls: Array<[string, string]> = [];
  for (const s of SILOS) urls.push([graphName(s), options.subgraphUrl ? await options.subgraphUrl(s, subgraphs[s].url) : subgraphs[s].url]);
  const gateway = await startGateway({
    // The planning budget is wall time in a worker thread, which CI's two shared cores stretch
    // many times over; tests of other things must not be refused by it. planning.test.ts tests it.
    planning: { ...DEFAULT_PLANNING, budgetMs: 5000 },
    ...options.gateway,
    port: 0,
    subgraphUrls: Object.fromEntries(urls),
    supergraphPath: join(__dirname, "..", "..", "schema", "supergraph.graphql"),
    secrets,
    redisUrl: mode === "services" ? TEST_REDIS_URL : undefined,
    // Rate-limit counters of this graph only (services mode shares one Redis between tests).
    rateLimitPrefix: `test:${randomBytes(6).toString("hex")}:rl:`,
  });
  const token = (viewer: Viewer, ttl?: number) => signToken(viewer, secrets.tokenSecret, ttl);
  return {
    mode,
    gateway,
    subgraphs,
    databases,
    bus: events.bus,
    secrets,
    city,
    token,
    async query(query, variables, auth) {
      const bearer = auth === undefined ? undefined : typeof auth === "string" ? auth : await token(auth);
      return postGraphQL(gateway.url, query, variables, bearer ? { authorization: `Bearer ${bearer}` } : {});
    },
    async stop() {
      await gateway.stop();
      await Promise.all(SILOS.map((silo) => subgraphs[silo].stop()));
      await events.dispose();
      for (const drop of drops) await drop();
    },
  };
}
