// The services-mode graph for a benchmark: each silo its own process on its own throwaway
// PostgreSQL database, Redis Streams under a key prefix of this run, and the project's gateway.
// The same startup as bench/gateway.ts, without the peers. stop() drops the databases and keys.
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
  /** The environment the services were started with (databases, ports, keys, Redis prefix). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startStack(o: { admin: string; redis: string; residents: number; extraEnv?: Record<string, string>; profileDir?: string }): Promise<Stack> {
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
    for (const silo of SILOS) {
      const base = `http://127.0.0.1:${env[`${envPrefix(silo)}_PORT`]}`;
      services.push(await startService(silo, `subgraphs/${silo}/index.ts`, env, `${base}/graphql`, answers200(`${base}/ready`), { profileDir: o.profileDir }));
    }
    env.GATEWAY_PORT = String(await freePort());
    const gw = `http://127.0.0.1:${env.GATEWAY_PORT}`;
    services.push(await startService("gateway", "gateway/index.ts", env, `${gw}/graphql`, answers200(`${gw}/ready`), { profileDir: o.profileDir }));
    return { tag, admin, city, secrets, dbs: dbs as Record<Silo, string>, services, gatewayUrl: `${gw}/graphql`, env, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
