// `npm run bench`: the graph in services mode (each silo its own process on its own throwaway
// PostgreSQL database, Redis Streams under a key prefix of this run), the project's gateway,
// stock @apollo/gateway and Hive Gateway (JS and Rust planners) over the same subgraphs, and the subgraphs called directly. Distinct
// viewers, a warm-up, interleaved rounds; per variant the median, min and max of req/s and the
// CPU per request of every process (from /proc, PostgreSQL backends included, the load generator
// excluded). Bulk results: 5,000-result uploads through the gateway against one INSERT … SELECT
// FROM unnest of as many rows into the same table. Prints a table and one JSON line; asserts nothing.
// Then the embedded scenario (npm start's one process on PGlite; --embedded 0 skips it).
// `--checkins 1` adds the check-in scenario (bench/checkIns.ts: check-ins/s through the gateway,
// single and batched, with the live feed's delivery latency; its own flags, e.g. --batch 50, pass
// through); `--checkins only` runs that scenario alone.
//   npm run bench -- [--rounds 3] [--seconds 3] [--concurrency 8] [--residents 300] [--embedded 1] [--checkins 0|1|only]
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { Pool } from "pg";
import Redis from "ioredis";
import { signToken } from "../kernel/auth/tokens";
import { signViewerHeader, VIEWER_HEADER } from "../kernel/auth/viewerHeader";
import type { Viewer } from "../kernel/auth/viewer";
import { SILOS, envPrefix, graphName, type Silo } from "../kernel/config/silos";
import { buildCity } from "../kernel/demo/city";
import { answers200, cpuSeconds, startService, stopServices, type Service } from "./support/processes";
import { closeAgent, drive, post } from "./support/load";
import { bulkUploads } from "./support/bulk";
import { embeddedScenario } from "./support/embedded";
import { benchProviderEnv } from "./support/productionEnv";
import { checkInBench, checkInOptionsFromArgs } from "./checkIns";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROUNDS = arg("rounds", 3), SECONDS = arg("seconds", 3), CONCURRENCY = arg("concurrency", 8), RESIDENTS = arg("residents", 300), EMBEDDED = arg("embedded", 1) === 1;
const ADMIN = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });

const RESIDENT = `query Resident { me { id name healthCode { colour label causes { kind } } latestTest { status resultAt } checkIns(last: 3) { checkedInAt venue { name } } } }`;
const NAME = `{ me { name } }`;
const COLOUR = `{ me { healthCode { colour } } }`;
const VISITORS = `{ myRegisters { code checkIns(last: 20) { checkedInAt person { name } } } }`;

type Variant = { name: string; once: (i: number) => Promise<unknown> };
type Sample = { rps: number; cpuMs: Record<string, number> };

async function main() {
  const tag = `bench_${process.pid}_${Date.now().toString(36)}`;
  // Services read each key as the UTF-8 bytes of its variable (kernel/config/secrets.ts).
  const keys = { token: randomBytes(32).toString("base64url"), viewer: randomBytes(32).toString("base64url"), pepper: randomBytes(32).toString("base64url") };
  const secrets = { tokenSecret: Buffer.from(keys.token), viewerKey: Buffer.from(keys.viewer), pepper: Buffer.from(keys.pepper) };
  const city = buildCity(secrets.pepper, RESIDENTS);
  const admin = new Pool({ connectionString: ADMIN, max: 1 });
  const dbs: Partial<Record<Silo, string>> = {};
  const services: Service[] = [];
  const env: Record<string, string> = {
    AUTH_TOKEN_SECRET: keys.token,
    VIEWER_HEADER_SECRET: keys.viewer,
    PERSON_ID_PEPPER: keys.pepper,
    REDIS_URL: REDIS, EVENTS_KEY_PREFIX: `${tag}:`, SEED_DEMO: "1", DEMO_RESIDENTS: String(RESIDENTS), HOST: "127.0.0.1", NODE_ENV: "production",
    ...benchProviderEnv(),
  };
  try {
    for (const silo of SILOS) {
      const name = `${tag}_${graphName(silo)}`;
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(ADMIN);
      url.pathname = `/${name}`;
      dbs[silo] = url.toString();
      env[`${envPrefix(silo)}_DATABASE_URL`] = url.toString();
      env[`${envPrefix(silo)}_PORT`] = String(await freePort());
      env[`${envPrefix(silo)}_URL`] = `http://127.0.0.1:${env[`${envPrefix(silo)}_PORT`]}/graphql`;
    }
    // One at a time: the first start migrates and seeds.
    for (const silo of SILOS) {
      const base = `http://127.0.0.1:${env[`${envPrefix(silo)}_PORT`]}`;
      services.push(await startService(silo, `subgraphs/${silo}/index.ts`, env, `${base}/graphql`, answers200(`${base}/ready`)));
    }
    env.GATEWAY_PORT = String(await freePort());
    const gw = `http://127.0.0.1:${env.GATEWAY_PORT}`;
    services.push(await startService("gateway", "gateway/index.ts", env, `${gw}/graphql`, answers200(`${gw}/ready`)));
    const peerPort = await freePort();
    const peerUrl = `http://127.0.0.1:${peerPort}/`;
    const peerEnv = { ...env, PEER_PORT: String(peerPort), PEER_SUBGRAPH_URLS: JSON.stringify(Object.fromEntries(SILOS.map((s) => [graphName(s), env[`${envPrefix(s)}_URL`]]))) };
    services.push(await startService("apollo-gateway", "bench/peers/apolloGateway.ts", peerEnv, peerUrl, () => post(peerUrl, { query: "{ __typename }" }).then(() => true)));
    const hivePort = await freePort();
    const hiveUrl = `http://127.0.0.1:${hivePort}/`;
    services.push(await startService("hive-gateway", "bench/peers/hiveGateway.cjs", { ...peerEnv, PEER_PORT: String(hivePort) }, hiveUrl, () => post(hiveUrl, { query: "{ __typename }" }).then(() => true)));
    const rustPort = await freePort();
    const rustUrl = `http://127.0.0.1:${rustPort}/`;
    services.push(await startService("hive-rust", "bench/peers/hiveGateway.cjs", { ...peerEnv, PEER_PORT: String(rustPort), PEER_PLANNER: "rust" }, rustUrl, () => post(rustUrl, { query: "{ __typename }" }).then(() => true)));
    const url = (name: string) => services.find((s) => s.name === name)!.url;

    // Eight distinct residents with a test and check-ins; a registrar with visitors.
    const residents = city.residents.filter((r) => city.swabs.some((s) => s.personId === r.personId) && city.checkIns.some((c) => c.personId === r.personId)).slice(0, 8);
    const viewers: Viewer[] = residents.map((r) => ({ role: "RESIDENT", subject: r.personId }));
    const tokens = await Promise.all(viewers.map((v) => signToken(v, secrets.tokenSecret, 3600)));
    const headers = await Promise.all(viewers.map((v) => signViewerHeader(v, secrets.viewerKey, 3600)));
    // Distinct registrars too (Hive merges identical in-flight requests; the others do not).
    const visited = city.registers.filter((r) => city.checkIns.some((c) => c.registerId === r.id));
    const registrars: Viewer[] = [...new Map(visited.map((r) => [r.registrarId, { role: "REGISTRAR" as const, subject: r.registrarId, venueIds: [r.venueId] }])).values()].slice(0, 8);
    const registrarTokens = await Promise.all(registrars.map((v) => signToken(v, secrets.tokenSecret, 3600)));
    const registrarHeaders = await Promise.all(registrars.map((v) => signViewerHeader(v, secrets.viewerKey, 3600)));
    const registrarToken = (i: number) => registrarTokens[i % registrarTokens.length]!;
    const registrarHeader = (i: number) => registrarHeaders[i % registrarHeaders.length]!;

    const viaGateway = (q: string, token: (i: number) => string) => (i: number) => post(url("gateway"), { query: q }, { authorization: `Bearer ${token(i)}` });
    const viaPeer = (q: string, header: (i: number) => string, peer = "apollo-gateway") => (i: number) => post(url(peer), { query: q }, { [VIEWER_HEADER]: header(i) });
    const viaHive = (q: string, header: (i: number) => string) => viaPeer(q, header, "hive-gateway");
    const viaRust = (q: string, header: (i: number) => string) => viaPeer(q, header, "hive-rust");
    const entity = (silo: Silo, fields: string, rep: (i: number) => Record<string, unknown>, i: number) =>
      post(url(silo), { query: `query($r:[_Any!]!){ _entities(representations:$r){ ... on Person { ${fields} } } }`, variables: { r: [{ __typename: "Person", ...rep(i) }] } }, { [VIEWER_HEADER]: headers[i % 8]! });
    const id = (i: number) => ({ id: residents[i % 8]!.personId });
    // What a client would call without the gateway: testing and venues, then health-code with the result time.
    const directResident = async (i: number) => {
      const [testing] = await Promise.all([entity("testing", "latestNegativeResultAt latestTest { status resultAt }", id, i), entity("venues", "checkIns(last: 3) { checkedInAt venue { name } }", id, i)]);
      await entity("health-code", "id name healthCode { colour label causes { kind } }", (k) => ({ ...id(k), latestNegativeResultAt: testing.data._entities[0].latestNegativeResultAt }), i);
    };
    const resident = (i: number) => tokens[i % 8]!;
    const header = (i: number) => headers[i % 8]!;
    const scenarios: Array<{ name: string; variants: Variant[] }> = [
      { name: "resident query", variants: [{ name: "gateway", once: viaGateway(RESIDENT, resident) }, { name: "apollo-gateway", once: viaPeer(RESIDENT, header) }, { name: "hive-gateway", once: viaHive(RESIDENT, header) }, { name: "hive-rust", once: viaRust(RESIDENT, header) }, { name: "direct", once: directResident }] },
      { name: "me { name }", variants: [{ name: "gateway", once: viaGateway(NAME, resident) }, { name: "apollo-gateway", once: viaPeer(NAME, header) }, { name: "hive-gateway", once: viaHive(NAME, header) }, { name: "hive-rust", once: viaRust(NAME, header) }, { name: "direct", once: (i) => post(url("health-code"), { query: NAME }, { [VIEWER_HEADER]: header(i) }) }] },
      { name: "me { healthCode { colour } }", variants: [{ name: "gateway", once: viaGateway(COLOUR, resident) }, { name: "apollo-gateway", once: viaPeer(COLOUR, header) }, { name: "hive-gateway", once: viaHive(COLOUR, header) }, { name: "hive-rust", once: viaRust(COLOUR, header) }] },
      { name: "registrar's visitors", variants: [{ name: "gateway", once: viaGateway(VISITORS, registrarToken) }, { name: "apollo-gateway", once: viaPeer(VISITORS, registrarHeader) }, { name: "hive-gateway", once: viaHive(VISITORS, registrarHeader) }, { name: "hive-rust", once: viaRust(VISITORS, registrarHeader) }] },
    ];

    // PostgreSQL backends of this run's databases: their CPU counts as the stack's.
    const backends = async () => (await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname LIKE $1`, [`${tag}%`])).rows.map((r) => r.pid);
    // Per backend pid, so a connection that closes between two readings is not counted negative.
    const cpu = async () => {
      const byProcess: Record<string, number> = {};
      for (const s of services) byProcess[s.name] = cpuSeconds(s.proc.pid!);
      for (const pid of await backends()) byProcess[`pg:${pid}`] = cpuSeconds(pid);
      return byProcess;
    };

    const samples = new Map<string, Sample[]>();
    for (const sc of scenarios) for (const v of sc.variants) for (let i = 0; i < 40; i++) await v.once(i); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const sc of scenarios) {
        for (const v of sc.variants) {
          const before = await cpu();
          const run = await drive(v.once, SECONDS, CONCURRENCY);
          const after = await cpu();
          const cpuMs: Record<string, number> = { postgres: 0 };
          for (const k of Object.keys(after)) {
            const ms = ((after[k]! - (before[k] ?? 0)) * 1000) / run.requests;
            if (k.startsWith("pg:")) cpuMs.postgres! += ms;
            else cpuMs[k] = ms;
          }
          const key = `${sc.name}|${v.name}`;
          samples.set(key, [...(samples.get(key) ?? []), { rps: run.requests / run.seconds, cpuMs }]);
        }
      }
    }
    const bulk = await bulkUploads({ admin, testingDb: dbs.testing!, healthCodeDb: dbs["health-code"]!, gatewayUrl: url("gateway"), tokenSecret: secrets.tokenSecret, city, rounds: ROUNDS });
    report(scenarios, samples, bulk);
  } finally {
    closeAgent();
    await stopServices(services);
    for (const silo of SILOS) if (dbs[silo]) await admin.query(`DROP DATABASE IF EXISTS ${new URL(dbs[silo]!).pathname.slice(1)} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await dropKeys(`${tag}:`);
  }
}

/** Deletes this run's Redis keys (and only those). */
async function dropKeys(prefix: string) {
  const redis = new Redis(REDIS, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r2 = (n: number) => Math.round(n * 100) / 100;
const stat = (xs: number[]) => ({ median: r2(median(xs)), min: r2(Math.min(...xs)), max: r2(Math.max(...xs)) });

function report(scenarios: Array<{ name: string; variants: Variant[] }>, samples: Map<string, Sample[]>, bulk: Record<string, unknown>) {
  const rows: Array<Record<string, unknown>> = [];
  console.log(`services mode, ${CONCURRENCY} concurrent clients, ${ROUNDS} interleaved rounds of ${SECONDS} s, 8 distinct residents`);
  console.log(["scenario", "variant", "req/s median [min-max]", "CPU ms/request (median): per process", "total"].join(" | "));
  for (const sc of scenarios) {
    const base = median(samples.get(`${sc.name}|gateway`)!.map((s) => s.rps));
    for (const v of sc.variants) {
      const list = samples.get(`${sc.name}|${v.name}`)!;
      const rps = stat(list.map((s) => s.rps));
      const procs = Object.keys(list[0]!.cpuMs);
      const cpuMs = Object.fromEntries(procs.map((p) => [p, r2(median(list.map((s) => s.cpuMs[p]!)))]).filter(([, ms]) => (ms as number) > 0.005));
      const total = r2(median(list.map((s) => Object.values(s.cpuMs).reduce((a, b) => a + b, 0))));
      rows.push({ scenario: sc.name, variant: v.name, rps, cpuMs, totalCpuMs: total, gatewayOverThis: r2(base / rps.median) });
      console.log(`${sc.name} | ${v.name} | ${rps.median} [${rps.min}-${rps.max}] | ${Object.entries(cpuMs).map(([p, ms]) => `${p} ${ms}`).join(", ")} | ${total}`);
    }
  }
  console.log(`bulk results: ${JSON.stringify(bulk)}`);
  console.log(JSON.stringify({ mode: "services", rounds: ROUNDS, seconds: SECONDS, concurrency: CONCURRENCY, scenarios: rows, bulk }));
}

const checkInsFlag = process.argv.indexOf("--checkins");
const CHECKINS = checkInsFlag > 0 ? process.argv[checkInsFlag + 1] ?? "1" : "0";

async function runAll() {
  if (CHECKINS === "only") {
    await checkInBench(checkInOptionsFromArgs());
    return;
  }
  await main();
  if (CHECKINS === "1") {
    console.log("");
    await checkInBench(checkInOptionsFromArgs());
  }
  if (!EMBEDDED) return;
  const rows = await embeddedScenario({ rounds: ROUNDS, seconds: SECONDS, concurrency: CONCURRENCY, residents: RESIDENTS, freePort, queries: { "resident query": RESIDENT, "me { name }": NAME } });
  console.log(`\nembedded mode (npm start: the silos in one process on PGlite, the gateway its own process)`);
  for (const r of rows) console.log(`${r.scenario} | ${JSON.stringify(r.rps)} req/s | CPU ms/request: ${JSON.stringify(r.cpuMs)}`);
  console.log(JSON.stringify({ mode: "embedded", rounds: ROUNDS, seconds: SECONDS, concurrency: CONCURRENCY, scenarios: rows }));
}

runAll().catch((err) => {
  console.error(err);
  process.exit(1);
});
