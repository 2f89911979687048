// The services-mode graph for a benchmark: each silo its own process on its own throwaway
// PostgreSQL database, Redis Streams under a key prefix of this run, and the project's gateway.
// The same startup as bench/gateway.ts, without the peers. stop() drops the databases and keys.
// With `bulkheads` (as deployed, docker-compose.yml) labs' uploads have their own path: an ingest
// gateway whose testing is its own testing process, and health-code's and appeals' events (relay,
// consumers) run in processes of their own, all at PROCESS_NICE; the read path (gateway and the
// silos' serving processes) runs at normal priority, and those silos' serving processes do no event work.
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { Pool } from "pg";
import { SILOS, envPrefix, graphName, type Silo } from "../../kernel/config/silos";
import { buildCity, type DemoCity } from "../../kernel/demo/city";
import { answers200, startService, stopServices, type Service } from "./processes";
import { benchProviderEnv } from "./productionEnv";
import { dropKeys } from "./redisKeys";

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });

export interface Stack {
  tag: string;
  admin: Pool;
  city: DemoCity;
  secrets: { tokenSecret: Uint8Array; viewerKey: Uint8Array; pepper: Uint8Array };
  dbs: Record<Silo, string>;
  services: Service[];
  gatewayUrl: string;
  /** Where labs upload: the ingest gateway with `bulkheads`, else the gateway itself. */
  ingestUrl: string;
  /** The environment the services were started with (databases, ports, keys, Redis prefix). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** The niceness of the bulk processes with `bulkheads` (docker-compose.yml uses the same). */
export const BULK_NICE = 10;
/** The silos whose event work runs apart: those whose consumers apply every result of an upload (health-code's records, appeals' replica), and testing, whose relay publishes the upload's events. */
const EVENTS_APART: Silo[] = ["health-code", "appeals", "testing"];

export async function startStack(o: { admin: string; redis: string; residents: number; extraEnv?: Record<string, string>; profileDir?: string; bulkheads?: boolean; bulkNice?: number; ownSessions?: boolean }): Promise<Stack> {
  const tag = `bench_${process.pid}_${Date.now().toString(36)}`;
  const keys = { token: randomBytes(32).toString("base64url"), viewer: randomBytes(32).toString("base64url"), pepper: randomBytes(32).toString("base64url") };
  const secrets = { tokenSecret: Buffer.from(keys.token), viewerKey: Buffer.from(keys.viewer), pepper: Buffer.from(keys.pepper) };
  const city = buildCity(secrets.pepper, o.residents);
  const admin = new Pool({ connectionString: o.admin, max: 1 });
  const dbs: Partial<Record<Silo, string>> = {};
  const services: Service[] = [];
  const env: Record<string, string> = {
    AUTH_TOKEN_SECRET: keys.token,
    VIEWER_HEADER_SECRET: keys.viewer,
    PERSON_ID_PEPPER: keys.pepper,
    REDIS_URL: o.redis, EVENTS_KEY_PREFIX: `${tag}:`, SEED_DEMO: "1", DEMO_RESIDENTS: String(o.residents), HOST: "127.0.0.1", NODE_ENV: "production",
    ...benchProviderEnv(),
    ...o.extraEnv,
  };
  const stop = async () => {
    await stopServices(services);
    for (const silo of SILOS) if (dbs[silo]) await admin.query(`DROP DATABASE IF EXISTS ${new URL(dbs[silo]!).pathname.slice(1)} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await dropKeys(o.redis, `${tag}:`);
  };
  try {
    for (const silo of SILOS) {
      const name = `${tag}_${graphName(silo)}`;
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(o.admin);
      url.pathname = `/${name}`;
      dbs[silo] = url.toString();
      env[`${envPrefix(silo)}_DATABASE_URL`] = url.toString();
      env[`${envPrefix(silo)}_PORT`] = String(await freePort());
      env[`${envPrefix(silo)}_URL`] = `http://127.0.0.1:${env[`${envPrefix(silo)}_PORT`]}/graphql`;
    }
    // One at a time: the first start migrates and seeds.
    // The read path's processes seed the demo city; the bulk ones only join it.
    const bulk = { PROCESS_NICE: String(o.bulkNice ?? BULK_NICE), SEED_DEMO: "0" };
    for (const silo of SILOS) {
      const base = `http://127.0.0.1:${env[`${envPrefix(silo)}_PORT`]}`;
      // The read path does no event work when a bulk process of its silo does it.
      const own = o.bulkheads && (silo === "testing" || EVENTS_APART.includes(silo)) ? { ...env, EVENT_CONSUMERS: "off", EVENT_RELAY: "off" } : env;
      services.push(await startService(silo, `subgraphs/${silo}/index.ts`, own, `${base}/graphql`, answers200(`${base}/ready`), { profileDir: o.profileDir, ownSession: o.ownSessions }));
    }
    const start = async (name: string, file: string, own: Record<string, string>, port: string) => {
      const base = `http://127.0.0.1:${port}`;
      services.push(await startService(name, file, own, `${base}/graphql`, answers200(`${base}/ready`), { profileDir: o.profileDir, ownSession: o.ownSessions }));
      return `${base}/graphql`;
    };
    let ingestUrl: string | undefined;
    if (o.bulkheads) {
      // Each serves nothing anyone calls: it answers /ready, publishes its silo's outbox and applies the events.
      for (const silo of EVENTS_APART) {
        const eventsPort = String(await freePort());
        await start(`${silo}-events`, `subgraphs/${silo}/index.ts`, { ...env, ...bulk, [`${envPrefix(silo)}_PORT`]: eventsPort }, eventsPort);
      }
      const testingPort = String(await freePort());
      // The uploads only: testing's relay and consumers run in testing-events (above).
      const testingIngest = await start("testing-ingest", "subgraphs/testing/index.ts", { ...env, ...bulk, TESTING_PORT: testingPort, EVENT_CONSUMERS: "off", EVENT_RELAY: "off" }, testingPort);
      const port = String(await freePort());
      ingestUrl = await start("gateway-ingest", "gateway/index.ts", { ...env, ...bulk, TESTING_URL: testingIngest, GATEWAY_PORT: port }, port);
    }
    env.GATEWAY_PORT = String(await freePort());
    const gatewayUrl = await start("gateway", "gateway/index.ts", env, env.GATEWAY_PORT);
    return { tag, admin, city, secrets, dbs: dbs as Record<Silo, string>, services, gatewayUrl, ingestUrl: ingestUrl ?? gatewayUrl, env, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
