// `npm run bench:status`: does the status look-up stay as fast at a million residents as at ten
// thousand? Services mode, one run: two throwaway health-code databases seeded by COPY
// (scripts/residents: 10,000 and 1,000,000 generated residents with causes, history and tests;
// the time each took is printed), a health-code process and a gateway for each, and testing,
// venues and appeals shared by both. Distinct viewers drawn across each whole population,
// a warm-up, then interleaved rounds (the order of the two sizes alternates); per scenario and
// size the look-ups per second and the p50/p99 of all rounds' latencies, and the p99 ratio
// (target ≤ 1.3). Also EXPLAIN ANALYZE of health-code's two statements per look-up on both
// databases. Prints a table and one JSON line; drops the databases and Redis keys afterwards.
// Rate limits are off (one load generator is one address), the rest of the gateway is as served.
//   npm run bench:status -- [--small 10000] [--large 1000000] [--rounds 4] [--seconds 5] [--concurrency 8] [--viewers 2000]
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { join } from "node:path";
import { Pool } from "pg";
import { signToken } from "../kernel/auth/tokens";
import { SILOS, envPrefix, type Silo } from "../kernel/config/silos";
import { migratePostgres } from "../kernel/db/open";
import { entityKeyring } from "../kernel/privacy/entityKeys";
import { copyResidents, generatedPersonId } from "../scripts/residents/copyResidents";
import { idNumberAt } from "../scripts/residents/population";
import { answers200, startService, stopServices, type Service } from "./support/processes";
import { closeAgent, post } from "./support/load";
import { dropKeys } from "./support/redisKeys";
import { benchProviderEnv } from "./support/productionEnv";
import { median, r2 } from "./support/stats";
import { arg } from "./support/args";

const SMALL = arg("small", 10_000), LARGE = arg("large", 1_000_000), ROUNDS = arg("rounds", 4), SECONDS = arg("seconds", 5), CONCURRENCY = arg("concurrency", 8), VIEWERS = arg("viewers", 2000);
const ADMIN = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
const SEED = 1;

const STATUS = `query Status { me { healthCode { colour label causes { kind raisedAt howToClear } } } }`;
const APP_STATUS = `query PersonStatus($id: ID!) { person(id: $id) { healthCode { colour label } } }`;
// Health-code's two statements per look-up, as Prisma sends them (pinned by test/health-code/statusReadPath.test.ts).
const STATEMENTS = {
  resident: `SELECT * FROM resident WHERE person_id IN ($1) OFFSET 0`,
  openCauses: `SELECT * FROM status_cause WHERE person_id IN ($1) AND cleared_at IS NULL ORDER BY raised_at ASC OFFSET 0`,
};

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });

/** `n` distinct resident indexes spread over `0 … size-1` (a fixed pseudo-random draw). */
function distinctIndexes(size: number, n: number): number[] {
  const out = new Set<number>();
  let x = 0x2545f491;
  while (out.size < Math.min(n, size)) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out.add(x % size);
  }
  return [...out];
}

const loadavg = async () => (await import("node:fs")).readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

interface Size { label: string; residents: number; db: string; gateway?: string; personIds: string[] }

async function main() {
  const tag = `bench_status_${process.pid}_${Date.now().toString(36)}`;
  const keys = { token: randomBytes(32).toString("base64url"), viewer: randomBytes(32).toString("base64url"), pepper: randomBytes(32).toString("base64url") };
  const pepper = Buffer.from(keys.pepper);
  const tokenSecret = Buffer.from(keys.token);
  const admin = new Pool({ connectionString: ADMIN, max: 1 });
  const created: string[] = [];
  const services: Service[] = [];
  const dbUrl = (name: string) => Object.assign(new URL(ADMIN), { pathname: `/${name}` }).toString();
  const createDb = async (name: string) => {
    await admin.query(`CREATE DATABASE ${name}`);
    created.push(name);
    return dbUrl(name);
  };
  const env: Record<string, string> = {
    AUTH_TOKEN_SECRET: keys.token, VIEWER_HEADER_SECRET: keys.viewer, PERSON_ID_PEPPER: keys.pepper,
    REDIS_URL: REDIS, EVENTS_KEY_PREFIX: `${tag}:`, HOST: "127.0.0.1", NODE_ENV: "production", RATE_LIMITS: "off",
    ...benchProviderEnv(),
  };
  const loadAtStart = await loadavg();
  const started = performance.now();
  try {
    // The two populations: the same generator, so the small one is the large one's first residents.
    const sizes: Size[] = [];
    const generation: Record<string, unknown> = {};
    for (const [label, residents] of [["small", SMALL], ["large", LARGE]] as const) {
      const url = await createDb(`${tag}_hc_${label}`);
      await migratePostgres(url, join(__dirname, "..", "subgraphs", "health-code", "prisma", "migrations"));
      const pool = new Pool({ connectionString: url, max: 1 });
      const client = await pool.connect();
      try {
        const report = await copyResidents(client, { count: residents, pepper, seed: SEED });
        generation[label] = { residents, seconds: r2(report.seconds), rows: report.rows, rowsPerSecond: Math.round(Object.values(report.rows).reduce((a, b) => a + b, 0) / report.seconds) };
        console.log(`generated ${residents.toLocaleString("en")} residents by COPY in ${report.seconds.toFixed(1)} s: ${JSON.stringify(report.rows)}`);
      } finally {
        client.release();
        await pool.end();
      }
      const personIds = distinctIndexes(residents, VIEWERS).map((i) => generatedPersonId(idNumberAt(i, SEED), pepper));
      sizes.push({ label, residents, db: url, personIds });
    }

    // Shared silos (empty databases: the look-up asks testing for the latest negative result).
    for (const silo of SILOS.filter((s) => s !== "health-code")) {
      env[`${envPrefix(silo)}_DATABASE_URL`] = await createDb(`${tag}_${silo}`);
      const port = await freePort();
      env[`${envPrefix(silo)}_PORT`] = String(port);
      env[`${envPrefix(silo)}_URL`] = `http://127.0.0.1:${port}/graphql`;
      services.push(await startService(silo, `subgraphs/${silo}/index.ts`, env, env[`${envPrefix(silo)}_URL`]!, answers200(`http://127.0.0.1:${port}/ready`)));
    }
    // Per size: its health-code process and a gateway in front of it.
    for (const size of sizes) {
      const hcPort = await freePort();
      const sizeEnv = { ...env, HEALTH_CODE_DATABASE_URL: size.db, HEALTH_CODE_PORT: String(hcPort), HEALTH_CODE_URL: `http://127.0.0.1:${hcPort}/graphql` };
      services.push(await startService(`health-code-${size.label}`, "subgraphs/health-code/index.ts", sizeEnv, sizeEnv.HEALTH_CODE_URL, answers200(`http://127.0.0.1:${hcPort}/ready`)));
      const gwPort = await freePort();
      services.push(await startService(`gateway-${size.label}`, "gateway/index.ts", { ...sizeEnv, GATEWAY_PORT: String(gwPort) }, `http://127.0.0.1:${gwPort}/graphql`, answers200(`http://127.0.0.1:${gwPort}/ready`)));
      size.gateway = `http://127.0.0.1:${gwPort}/graphql`;
    }

    // Viewers: residents asking for their own status; apps (8 service accounts) asking by the app audience's ids.
    const keyring = entityKeyring(pepper);
    const scenarios = await Promise.all(
      sizes.map(async (size) => {
        const residentTokens = await Promise.all(size.personIds.map((subject) => signToken({ role: "RESIDENT", subject }, tokenSecret, 3600)));
        const appTokens = await Promise.all(Array.from({ length: 8 }, (_, k) => signToken({ role: "APP", subject: `status-gate-${k}`, scopes: ["persons:read", "status:read"] }, tokenSecret, 3600)));
        const appIds = size.personIds.map((id) => keyring.encode("app", "Person", id));
        return {
          size,
          resident: (i: number) => post(size.gateway!, { query: STATUS }, { authorization: `Bearer ${residentTokens[i % residentTokens.length]}` }),
          app: (i: number) => post(size.gateway!, { query: APP_STATUS, variables: { id: appIds[i % appIds.length] } }, { authorization: `Bearer ${appTokens[i % 8]}` }),
        };
      }),
    );
    // Every look-up must find its resident: a benchmark of NOT_FOUNDs would measure nothing.
    for (const s of scenarios) {
      const me = await s.resident(0);
      if (!me.data?.me?.healthCode?.colour) throw new Error(`${s.size.label}: the first viewer's status did not come back: ${JSON.stringify(me)}`);
    }

    type Kind = "resident" | "app";
    const latencies = new Map<string, number[]>();
    const rps = new Map<string, number[]>();
    // Each (scenario, size) walks its own viewers from an offset, so no viewer repeats within a round.
    const cursor = new Map<string, number>();
    const run = async (kind: Kind, s: (typeof scenarios)[number], seconds: number, record: boolean) => {
      const key = `${kind}|${s.size.label}`;
      const list: number[] = [];
      const until = performance.now() + seconds * 1000;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (performance.now() < until) {
            const i = cursor.get(key) ?? 0;
            cursor.set(key, i + 1);
            const t = performance.now();
            await s[kind](i);
            list.push(performance.now() - t);
          }
        }),
      );
      if (!record) return;
      latencies.set(key, [...(latencies.get(key) ?? []), ...list]);
      rps.set(key, [...(rps.get(key) ?? []), list.length / ((performance.now() - t0) / 1000)]);
    };
    for (const kind of ["resident", "app"] as Kind[]) for (const s of scenarios) await run(kind, s, 2, false); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of ["resident", "app"] as Kind[]) {
        for (const s of round % 2 === 0 ? scenarios : [...scenarios].reverse()) await run(kind, s, SECONDS, true);
      }
    }

    const explain = await explainStatements(sizes);
    const rows = (["resident", "app"] as Kind[]).map((kind) => {
      const per = Object.fromEntries(
        sizes.map((size) => {
          const l = [...latencies.get(`${kind}|${size.label}`)!].sort((a, b) => a - b);
          const perRound = rps.get(`${kind}|${size.label}`)!.map(r2);
          return [size.label, { residents: size.residents, lookups: l.length, perSecondMedian: r2(median(rps.get(`${kind}|${size.label}`)!)), perSecondPerRound: perRound, p50Ms: r2(quantile(l, 0.5)), p99Ms: r2(quantile(l, 0.99)) }];
        }),
      );
      return { scenario: kind === "resident" ? "me { healthCode { colour label causes } }" : "app: person(id:) { healthCode { colour } }", ...per, p99Ratio: r2(per.large!.p99Ms / per.small!.p99Ms), throughputRatio: r2(per.large!.perSecondMedian / per.small!.perSecondMedian) };
    });
    const result = {
      mode: "services", rounds: ROUNDS, seconds: SECONDS, concurrency: CONCURRENCY, viewersPerSize: VIEWERS, target: "p99 ratio ≤ 1.3",
      generation, scenarios: rows, explain, loadAverage: { start: loadAtStart, end: await loadavg() }, totalSeconds: r2((performance.now() - started) / 1000),
    };
    console.log(`services mode, ${CONCURRENCY} concurrent clients, ${ROUNDS} interleaved rounds of ${SECONDS} s, ${VIEWERS} distinct viewers per size; load average ${result.loadAverage.start} → ${result.loadAverage.end}`);
    console.log(["scenario", "residents", "look-ups/s (median)", "p50 ms", "p99 ms"].join(" | "));
    for (const row of rows) {
      for (const size of sizes) {
        const x = (row as any)[size.label];
        console.log(`${row.scenario} | ${size.residents.toLocaleString("en")} | ${x.perSecondMedian} | ${x.p50Ms} | ${x.p99Ms}`);
      }
      console.log(`${row.scenario} | p99 ratio ${row.p99Ratio} (target ≤ 1.3), throughput ratio ${row.throughputRatio}`);
    }
    for (const e of explain) console.log(`EXPLAIN ANALYZE ${e.statement} at ${e.residents.toLocaleString("en")}: ${e.plan}; execution median ${e.executionMsMedian} ms, max ${e.executionMsMax} ms, shared buffers per look-up ≤ ${e.maxBuffers}`);
    console.log(`whole run ${result.totalSeconds} s`);
    console.log(JSON.stringify(result));
  } finally {
    closeAgent();
    await stopServices(services);
    for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await dropKeys(REDIS, `${tag}:`);
  }
}

/** EXPLAIN (ANALYZE, BUFFERS) of health-code's two statements for 50 of each size's viewers. */
async function explainStatements(sizes: Size[]) {
  const out: Array<{ statement: string; residents: number; plan: string; executionMsMedian: number; executionMsMax: number; maxBuffers: number }> = [];
  for (const size of sizes) {
    const pool = new Pool({ connectionString: size.db, max: 1 });
    try {
      for (const [name, sql] of Object.entries(STATEMENTS)) {
        const times: number[] = [];
        const plans = new Set<string>();
        let maxBuffers = 0;
        for (const id of size.personIds.slice(-50)) {
          const { rows } = await pool.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, [id]);
          const top = rows[0]["QUERY PLAN"][0];
          times.push(top["Execution Time"]);
          const nodes: string[] = [];
          const walk = (n: any) => {
            nodes.push(n["Index Name"] ? `${n["Node Type"]} using ${n["Index Name"]}` : n["Node Type"]);
            maxBuffers = Math.max(maxBuffers, (n["Shared Hit Blocks"] ?? 0) + (n["Shared Read Blocks"] ?? 0));
            for (const c of n.Plans ?? []) walk(c);
          };
          walk(top.Plan);
          plans.add(nodes.join(" > "));
        }
        times.sort((a, b) => a - b);
        out.push({ statement: name, residents: size.residents, plan: [...plans].join(" | "), executionMsMedian: r2(median(times)), executionMsMax: r2(times[times.length - 1]!), maxBuffers });
      }
    } finally {
      await pool.end();
    }
  }
  return out;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
