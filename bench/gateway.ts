// `npm run bench`: the graph in services mode (each silo its own process on its own throwaway
// PostgreSQL database, Redis Streams under a key prefix of this run), the project's gateway,
// peers over the same subgraphs, and the subgraphs called directly. Distinct viewers, a warm-up,
// interleaved rounds; per variant the median, min and max of req/s and the CPU per request of
// every process (from /proc, PostgreSQL backends included, the load generator excluded). Bulk
// results: 5,000-result uploads through the gateway against one INSERT … SELECT FROM unnest of as
// many rows into the same table. Prints a table and one JSON line; asserts nothing.
// The default run takes about 2–3 minutes: 3 rounds of 2 s, the Hive Gateway peer with the Rust
// planner (the one the targets compare with), one bulk round, no embedded scenario. --long runs
// 5 rounds of 3 s, every peer (stock @apollo/gateway, Hive with the JS and the Rust planner), three
// bulk rounds and the embedded scenario (npm start's one process on PGlite).
//   npm run bench -- [--long] [--rounds 3] [--seconds 2] [--concurrency 8] [--residents 300]
//                    [--peers hive-rust,apollo-gateway,hive-gateway] [--scenarios resident,name,colour,visitors,bulk]
//                    [--embedded 0|1] [--bulk-rounds 1]
//                    [--ingest 0|1|only]   the ingest scenario (bench/ingestGateway.ts), on with --long
//                    [--checkins 0|1|only] the check-in scenario (bench/checkIns.ts: check-ins/s through the
//                                      gateway, single and batched, with the live feed's delivery latency;
//                                      its own flags, e.g. --batch 50, pass through); `only` runs it alone
//                    [--baseline DIR]  a second stack (gateway and subgraphs) started from another checkout
//                                      (e.g. a git worktree of an older commit) over the same databases,
//                                      measured in the same interleaved rounds: "gateway@base", "direct@base"
//                    [--root DIR]      run the main stack from another checkout (swap with --baseline to cancel position bias)
//                    [--profile DIR]   the gateways and subgraphs write V8 CPU profiles (--cpu-prof) into DIR
//                    [--own-sessions on|off] each service in a session (scheduling group) of its own, or all in the bench's
import { randomBytes } from "node:crypto";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createServer } from "node:net";
import { loadavg } from "node:os";
import { Pool } from "pg";
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
import { dropKeys } from "./support/redisKeys";
import { median, r2, stat } from "./support/stats";
import { arg, argText, onUnlessOff } from "./support/args";

const LONG = process.argv.includes("--long");
const ROUNDS = arg("rounds", LONG ? 5 : 3), SECONDS = arg("seconds", LONG ? 3 : 2), CONCURRENCY = arg("concurrency", 8), RESIDENTS = arg("residents", 300);
const EMBEDDED = arg("embedded", LONG ? 1 : 0) === 1, BULK_ROUNDS = arg("bulk-rounds", LONG ? 3 : 1);
const ALL_PEERS = ["apollo-gateway", "hive-gateway", "hive-rust"] as const;
const PEERS = (argText("peers") ?? (LONG ? ALL_PEERS.join(",") : "hive-rust")).split(",").filter((p) => p && p !== "none");
const SCENARIOS = (argText("scenarios") ?? "resident,name,colour,visitors,bulk").split(",");
const BASELINE = argText("baseline");
const PROFILE = argText("profile");
// --root DIR runs the main stack (gateway and subgraphs) from another checkout too: with --baseline
// swapped (--root OLD --baseline NEW) it measures the same pair in the other position, so a bias
// of the position cancels out (see docs/bench.md).
const ROOT = argText("root");
// --own-sessions off starts every service in the bench's own session (one scheduling group), as
// before 27 Nov 2026; on (default) each in a session of its own, as containers are (bench/support/processes.ts).
const OWN_SESSIONS = onUnlessOff("own-sessions");
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
type Sample = { rps: number; cpuMs: Record<string, number>; errors: number; firstError?: string };

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
    const prof = { profileDir: PROFILE, ownSession: OWN_SESSIONS, ...(ROOT ? { root: ROOT } : {}) };
    for (const silo of SILOS) {
      const base = `http://127.0.0.1:${env[`${envPrefix(silo)}_PORT`]}`;
      services.push(await startService(silo, `subgraphs/${silo}/index.ts`, env, `${base}/graphql`, answers200(`${base}/ready`), prof));
    }
    env.GATEWAY_PORT = String(await freePort());
    const gw = `http://127.0.0.1:${env.GATEWAY_PORT}`;
    services.push(await startService("gateway", "gateway/index.ts", env, `${gw}/graphql`, answers200(`${gw}/ready`), prof));
    if (BASELINE) {
      // The baseline stack: the same databases (already migrated and seeded), its own ports.
      const baseEnv: Record<string, string> = { ...env, SEED_DEMO: "" };
      for (const silo of SILOS) {
        baseEnv[`${envPrefix(silo)}_PORT`] = String(await freePort());
        baseEnv[`${envPrefix(silo)}_URL`] = `http://127.0.0.1:${baseEnv[`${envPrefix(silo)}_PORT`]}/graphql`;
      }
      for (const silo of SILOS) {
        const base = `http://127.0.0.1:${baseEnv[`${envPrefix(silo)}_PORT`]}`;
        services.push(await startService(`${silo}@base`, `subgraphs/${silo}/index.ts`, baseEnv, `${base}/graphql`, answers200(`${base}/ready`), { profileDir: PROFILE, root: BASELINE, ownSession: OWN_SESSIONS }));
      }
      baseEnv.GATEWAY_PORT = String(await freePort());
      const bgw = `http://127.0.0.1:${baseEnv.GATEWAY_PORT}`;
      services.push(await startService("gateway@base", "gateway/index.ts", baseEnv, `${bgw}/graphql`, answers200(`${bgw}/ready`), { profileDir: PROFILE, root: BASELINE, ownSession: OWN_SESSIONS }));
    }
    const peerEnv = { ...env, PEER_SUBGRAPH_URLS: JSON.stringify(Object.fromEntries(SILOS.map((s) => [graphName(s), env[`${envPrefix(s)}_URL`]]))) };
    const peerFiles: Record<string, [string, Record<string, string>]> = {
      "apollo-gateway": ["bench/peers/apolloGateway.ts", {}],
      "hive-gateway": ["bench/peers/hiveGateway.cjs", {}],
      "hive-rust": ["bench/peers/hiveGateway.cjs", { PEER_PLANNER: "rust" }],
    };
    for (const peer of PEERS) {
      if (!peerFiles[peer]) throw new Error(`unknown peer ${peer} (known: ${ALL_PEERS.join(", ")})`);
      const port = await freePort();
      const peerUrl = `http://127.0.0.1:${port}/`;
      const [file, extra] = peerFiles[peer]!;
      services.push(await startService(peer, file, { ...peerEnv, ...extra, PEER_PORT: String(port) }, peerUrl, () => post(peerUrl, { query: "{ __typename }" }).then(() => true), prof));
    }
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

    const viaGateway = (q: string, token: (i: number) => string, gateway = "gateway") => (i: number) => post(url(gateway), { query: q }, { authorization: `Bearer ${token(i)}` });
    const viaPeer = (q: string, header: (i: number) => string, peer: string) => (i: number) => post(url(peer), { query: q }, { [VIEWER_HEADER]: header(i) });
    const entity = (silo: string, fields: string, rep: (i: number) => Record<string, unknown>, i: number) =>
      post(url(silo), { query: `query($r:[_Any!]!){ _entities(representations:$r){ ... on Person { ${fields} } } }`, variables: { r: [{ __typename: "Person", ...rep(i) }] } }, { [VIEWER_HEADER]: headers[i % 8]! });
    const id = (i: number) => ({ id: residents[i % 8]!.personId });
    // What a client would call without the gateway: testing and venues, then health-code with the result time.
    const directResident = (suffix: string) => async (i: number) => {
      const [testing] = await Promise.all([entity(`testing${suffix}`, "latestNegativeResultAt latestTest { status resultAt }", id, i), entity(`venues${suffix}`, "checkIns(last: 3) { checkedInAt venue { name } }", id, i)]);
      await entity(`health-code${suffix}`, "id name healthCode { colour label causes { kind } }", (k) => ({ ...id(k), latestNegativeResultAt: testing.data._entities[0].latestNegativeResultAt }), i);
    };
    const resident = (i: number) => tokens[i % 8]!;
    const header = (i: number) => headers[i % 8]!;
    // Per scenario: the project's gateway (and the baseline's), the chosen peers, and where it makes sense the subgraphs directly.
    const variantsOf = (q: string, token: (i: number) => string, hdr: (i: number) => string, direct?: (suffix: string) => (i: number) => Promise<unknown>): Variant[] => [
      { name: "gateway", once: viaGateway(q, token) },
      ...(BASELINE ? [{ name: "gateway@base", once: viaGateway(q, token, "gateway@base") }] : []),
      ...PEERS.map((p) => ({ name: p, once: viaPeer(q, hdr, p) })),
      ...(direct ? [{ name: "direct", once: direct("") }, ...(BASELINE ? [{ name: "direct@base", once: direct("@base") }] : [])] : []),
    ];
    const directName = (suffix: string) => (i: number) => post(url(`health-code${suffix}`), { query: NAME }, { [VIEWER_HEADER]: header(i) });
    const scenarios: Array<{ key: string; name: string; variants: Variant[] }> = [
      { key: "resident", name: "resident query", variants: variantsOf(RESIDENT, resident, header, directResident) },
      { key: "name", name: "me { name }", variants: variantsOf(NAME, resident, header, directName) },
      { key: "colour", name: "me { healthCode { colour } }", variants: variantsOf(COLOUR, resident, header) },
      { key: "visitors", name: "registrar's visitors", variants: variantsOf(VISITORS, registrarToken, registrarHeader) },
    ].filter((sc) => SCENARIOS.includes(sc.key));

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
    for (const sc of scenarios) for (const v of sc.variants) for (let i = 0; i < (LONG ? 40 : 24); i++) await v.once(i).catch(() => undefined); // warm-up (failures show in the rounds)
    for (let round = 0; round < ROUNDS; round++) {
      for (const sc of scenarios) {
        // Each round starts at the next variant, so no variant always runs right after the same other one.
        const order = sc.variants.map((_, k) => sc.variants[(k + round) % sc.variants.length]!);
        for (const v of order) {
          const before = await cpu();
          const run = await drive(v.once, SECONDS, CONCURRENCY);
          const after = await cpu();
          const cpuMs: Record<string, number> = { postgres: 0 };
          for (const k of Object.keys(after)) {
            const ms = ((after[k]! - (before[k] ?? 0)) * 1000) / Math.max(1, run.requests);
            if (k.startsWith("pg:")) cpuMs.postgres! += ms;
            else cpuMs[k] = ms;
          }
          const key = `${sc.name}|${v.name}`;
          samples.set(key, [...(samples.get(key) ?? []), { rps: run.requests / run.seconds, cpuMs, errors: run.errors, firstError: run.firstError }]);
        }
      }
    }
    const rows = report(scenarios, samples);
    // A failed upload (e.g. a subgraph call over its deadline on a loaded machine) is reported, not thrown: the table above stands.
    const bulk = SCENARIOS.includes("bulk") && BULK_ROUNDS > 0
      ? await bulkUploads({ admin, testingDb: dbs.testing!, healthCodeDb: dbs["health-code"]!, gatewayUrl: url("gateway"), tokenSecret: secrets.tokenSecret, city, rounds: BULK_ROUNDS, drainSeconds: LONG ? 20 : 8 }).catch((err: unknown) => ({ failed: String(err instanceof Error ? err.message : err).slice(0, 300) }))
      : { skipped: true };
    console.log(`bulk results (load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}): ${JSON.stringify(bulk)}`);
    console.log(JSON.stringify({ mode: "services", loadAverage: loadavg(), rounds: ROUNDS, seconds: SECONDS, concurrency: CONCURRENCY, peers: PEERS, baseline: BASELINE ?? null, scenarios: rows, bulk }));
  } finally {
    closeAgent();
    await stopServices(services);
    for (const silo of SILOS) if (dbs[silo]) await admin.query(`DROP DATABASE IF EXISTS ${new URL(dbs[silo]!).pathname.slice(1)} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await dropKeys(REDIS, `${tag}:`);
  }
}


const FRONTS = new Set<string>(["gateway", "gateway@base", ...ALL_PEERS]);
/** The processes a variant's total counts: its own front (gateway or peer), the subgraphs of its stack, PostgreSQL. */
const counts = (variant: string, proc: string) => {
  if (proc === "postgres") return true;
  const base = variant.endsWith("@base");
  if (FRONTS.has(proc)) return proc === variant;
  return proc.endsWith("@base") === base;
};

function report(scenarios: Array<{ name: string; variants: Variant[] }>, samples: Map<string, Sample[]>): Array<Record<string, unknown>> {
  const rows: Array<Record<string, unknown>> = [];
  console.log(`services mode, ${CONCURRENCY} concurrent clients, ${ROUNDS} interleaved rounds of ${SECONDS} s, 8 distinct residents; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log(["scenario", "variant", "req/s median [min-max]", "CPU ms/request median [min-max]: front (gateway or peer)", "per process (median)", "stack total median [min-max]"].join(" | "));
  for (const sc of scenarios) {
    const base = median(samples.get(`${sc.name}|gateway`)!.map((s) => s.rps));
    for (const v of sc.variants) {
      const list = samples.get(`${sc.name}|${v.name}`)!;
      const rps = stat(list.map((s) => s.rps));
      const procs = Object.keys(list[0]!.cpuMs).filter((p) => counts(v.name, p));
      const cpuMs = Object.fromEntries(procs.map((p) => [p, r2(median(list.map((s) => s.cpuMs[p] ?? 0)))]).filter(([, ms]) => (ms as number) > 0.005));
      const front = FRONTS.has(v.name) ? stat(list.map((s) => s.cpuMs[v.name] ?? 0)) : undefined;
      const total = stat(list.map((s) => procs.reduce((a, p) => a + (s.cpuMs[p] ?? 0), 0)));
      const errors = list.reduce((a, x) => a + x.errors, 0);
      const firstError = list.find((x) => x.firstError)?.firstError;
      rows.push({ scenario: sc.name, variant: v.name, rps, frontCpuMs: front, cpuMs, totalCpuMs: total, gatewayOverThis: r2(base / rps.median), errors, ...(firstError ? { firstError } : {}) });
      console.log(`${sc.name} | ${v.name} | ${rps.median} [${rps.min}-${rps.max}] | ${front ? `${front.median} [${front.min}-${front.max}]` : "-"} | ${Object.entries(cpuMs).map(([p, ms]) => `${p} ${ms}`).join(", ")} | ${total.median} [${total.min}-${total.max}]${errors ? ` | ${errors} FAILED requests (first: ${firstError})` : ""}`);
    }
    // The ratios the targets are stated in, from the medians of this run.
    const med = (variant: string, f: (s: Sample) => number) => (samples.has(`${sc.name}|${variant}`) ? median(samples.get(`${sc.name}|${variant}`)!.map(f)) : undefined);
    const ratios: string[] = [];
    const gwRps = med("gateway", (s) => s.rps), directRps = med("direct", (s) => s.rps);
    if (directRps) ratios.push(`gateway/direct req/s ${r2(gwRps! / directRps)}`);
    const gwCpu = med("gateway", (s) => s.cpuMs.gateway ?? 0);
    for (const other of ["gateway@base", ...ALL_PEERS]) {
      const c = med(other, (s) => s.cpuMs[other] ?? 0);
      if (c) ratios.push(`gateway CPU / ${other} CPU ${r2(gwCpu! / c)}`);
    }
    if (BASELINE) {
      const t = (variant: string) => med(variant, (s) => Object.keys(s.cpuMs).filter((p) => counts(variant, p)).reduce((a, p) => a + (s.cpuMs[p] ?? 0), 0));
      const now = t("gateway"), then = t("gateway@base");
      if (now && then) ratios.push(`stack CPU / stack@base CPU ${r2(now / then)}`);
    }
    if (ratios.length) console.log(`${sc.name} | ratios | ${ratios.join("; ")}`);
  }
  return rows;
}

const checkInsFlag = process.argv.indexOf("--checkins");
const CHECKINS = checkInsFlag > 0 ? process.argv[checkInsFlag + 1] ?? "1" : "0";

const ingestFlag = process.argv.indexOf("--ingest");
const INGEST = ingestFlag > 0 ? process.argv[ingestFlag + 1] ?? "1" : LONG ? "1" : "0";

/**
 * The ingest scenario (bench/ingestGateway.ts: 10,000-result uploads through the gateway against
 * COPY into the same table, health-code's drain, status-read p50/p99 idle and during the upload),
 * in its own process with its own throwaway stack: one round by default, three with --long.
 */
function ingestScenario(): Promise<void> {
  const args = ["--import", "tsx", join(__dirname, "ingestGateway.ts"), "--rounds", String(LONG ? 3 : 1), "--own-sessions", OWN_SESSIONS ? "on" : "off"];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`the ingest scenario exited with ${code}`))));
  });
}

async function runAll() {
  if (CHECKINS === "only") {
    await checkInBench(checkInOptionsFromArgs());
    return;
  }
  if (INGEST === "only") {
    await ingestScenario();
    return;
  }
  await main();
  if (CHECKINS === "1") {
    console.log("");
    await checkInBench(checkInOptionsFromArgs());
  }
  if (INGEST === "1") {
    console.log("\ningest: results uploaded through the gateway against COPY (bench/ingestGateway.ts)");
    await ingestScenario();
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
