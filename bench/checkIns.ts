// `npm run bench:checkins` (also `npm run bench -- --checkins 1`, or `--checkins only`): check-ins
// per second through the gateway in services mode, each silo, the gateway and the live feed its
// own process (PostgreSQL databases of this run, Redis under this run's key prefix, check-in
// hints over Redis pub/sub as deployed), many distinct visitors and registers; the live feed's
// delivery latency (from sending the check-in to a real graphql-sse client, subscribed as the
// register's registrar, receiving it) under that load; CPU per check-in of every process (from
// /proc, PostgreSQL backends included, the load generator excluded). Variants, interleaved in
// rounds: `checkIn` one visitor per request (the phone scanning a register), and
// `checkInBatch` (a registrar's scanner sending `--batch` visitors' testing codes per request),
// both closed-loop (each client sends its next request when the last is answered: the most the
// stack takes), and with `--rate R` a third, open-loop variant: batches sent on a fixed schedule
// of R check-ins a second spread over the registers (a scanner at each sending what it scanned),
// latencies counted from each batch's scheduled time, so a stack that falls behind shows it in
// its p99 instead of slowing the load down. The batches' testing codes are signed before each
// round, never inside the measured window (signing is the load generator's work).
// Prints a table and one JSON line; asserts nothing.
//   npm run bench:checkins -- [--rounds 2] [--seconds 8] [--concurrency 32] [--residents 1000]
//     [--registers 40] [--subscribers 8] [--batch 50] [--rate 2000] [--single 0] [--closed 0] [--feedReads N] [--profile DIR]
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { Pool } from "pg";
import { createClient, type Client } from "graphql-sse";
import { signToken } from "../kernel/auth/tokens";
import { SILOS, envPrefix, graphName, type Silo } from "../kernel/config/silos";
import { buildCity } from "../kernel/demo/city";
import { entityKeyring, audienceOf } from "../kernel/privacy/entityKeys";
import { answers200, cpuSeconds, startService, stopServices, type Service } from "./support/processes";
import { closeAgent, post } from "./support/load";
import { benchProviderEnv } from "./support/productionEnv";
import { dropKeys } from "./support/redisKeys";
import { importJWK, type CryptoKey, type JWK } from "jose";
import { signTestingCode } from "../kernel/testingCode";
import { redisHints, type HintChannel } from "../kernel/feed/hints";
import { HISTORY_QUERY } from "../gateway/feed/graphClient";
import { median, r2 } from "./support/stats";
import { arg } from "./support/args";

const strArg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

export interface CheckInBenchOptions {
  rounds: number;
  seconds: number;
  concurrency: number;
  residents: number;
  registers: number;
  subscribers: number;
  batch: number;
  /** Check-ins a second of the open-loop variant; 0 for none. */
  rate: number;
  /** Write each service's V8 CPU profile into this directory when it stops. */
  profileDir?: string;
}

const ADMIN = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });

// The siren is the point of a check-in's answer (seed 003): `--alert 0` selects the id alone (no call to health-code).
const SELECTION = arg("alert", 1) === 1 ? "id alert" : "id";
const CHECK_IN = `mutation C($code: String!) { checkIn(registerCode: $code) { ${SELECTION} } }`;
const CHECK_IN_BATCH = `mutation B($registerId: ID!, $codes: [String!]!) { checkInBatch(registerId: $registerId, testingCodes: $codes) { checkIn { ${SELECTION} } error { code reason } } }`;

const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
const r1 = (n: number) => Math.round(n * 10) / 10;

/** Runs the scenario; returns the rows it printed. */
export async function checkInBench(o: CheckInBenchOptions): Promise<Record<string, unknown>> {
  const tag = `benchci_${process.pid}_${Date.now().toString(36)}`;
  const keys = { token: randomBytes(32).toString("base64url"), viewer: randomBytes(32).toString("base64url"), pepper: randomBytes(32).toString("base64url") };
  const secrets = { tokenSecret: Buffer.from(keys.token), pepper: Buffer.from(keys.pepper) };
  const city = buildCity(secrets.pepper, o.residents);
  const admin = new Pool({ connectionString: ADMIN, max: 1 });
  const dbs: Partial<Record<Silo, string>> = {};
  const services: Service[] = [];
  const clients: Client[] = [];
  let hintTap: HintChannel | undefined;
  const env: Record<string, string> = {
    AUTH_TOKEN_SECRET: keys.token, VIEWER_HEADER_SECRET: keys.viewer, PERSON_ID_PEPPER: keys.pepper,
    REDIS_URL: REDIS, EVENTS_KEY_PREFIX: `${tag}:`, SEED_DEMO: "1", DEMO_RESIDENTS: String(o.residents), HOST: "127.0.0.1", NODE_ENV: "production",
    ...benchProviderEnv(),
    // V8 flags for the services alone (e.g. --max-semi-space-size=32), never the load generator.
    ...(process.env.SERVICE_NODE_OPTIONS ? { NODE_OPTIONS: process.env.SERVICE_NODE_OPTIONS } : {}),
  };
  const prof = { profileDir: o.profileDir };
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
    for (const silo of SILOS) {
      const base = `http://127.0.0.1:${env[`${envPrefix(silo)}_PORT`]}`;
      services.push(await startService(silo, `subgraphs/${silo}/index.ts`, env, `${base}/graphql`, answers200(`${base}/ready`), prof));
    }
    env.GATEWAY_PORT = String(await freePort());
    const gatewayUrl = `http://127.0.0.1:${env.GATEWAY_PORT}/graphql`;
    services.push(await startService("gateway", "gateway/index.ts", env, gatewayUrl, answers200(`http://127.0.0.1:${env.GATEWAY_PORT}/ready`), prof));
    env.FEED_PORT = String(await freePort());
    const feedBase = `http://127.0.0.1:${env.FEED_PORT}`;
    services.push(await startService("feed", "gateway/feed/index.ts", { ...env, GATEWAY_URL: gatewayUrl }, `${feedBase}/graphql/stream`, answers200(`${feedBase}/health`), prof));

    // Distinct registrars, one register each; the first `subscribers` of them watch the feed.
    const seen = new Set<string>();
    const registers = city.registers.filter((r) => !seen.has(r.registrarId) && seen.add(r.registrarId)).slice(0, o.registers);
    const registrarTokens = await Promise.all(registers.map((r) => signToken({ role: "REGISTRAR", subject: r.registrarId }, secrets.tokenSecret, 3600)));
    const codes: string[] = [];
    for (const [i, r] of registers.entries()) {
      const res = await post(gatewayUrl, { query: `{ myRegisters { id code } }` }, { authorization: `Bearer ${registrarTokens[i]}` });
      codes.push(res.data.myRegisters.find((x: { id: string }) => x.id === r.id).code);
    }
    const registerIds = registers.map((r) => r.id);
    const keyring = entityKeyring(secrets.pepper);
    const registrarAudience = audienceOf({ role: "REGISTRAR" });
    const residentAudience = audienceOf({ role: "RESIDENT" });
    const visitors = city.residents.map((p) => p.personId);
    const visitorTokens = await Promise.all(visitors.map((p) => signToken({ role: "RESIDENT", subject: p }, secrets.tokenSecret, 3600)));
    // The feed shows registrars their audience's ids; the visitor is given the residents' id.
    const asRegistrarId = (residentId: string) => {
      const internal = residentAudience ? keyring.decode(residentAudience, "CheckIn", residentId) : residentId;
      if (!internal) throw new Error("a check-in id did not decode under the residents' audience key");
      return registrarAudience ? keyring.encode(registrarAudience, "CheckIn", internal) : internal;
    };

    const arrived = new Map<string, number>();
    // The hints as the feed receives them (the batch's last check-in), to split the feed's latency
    // into send -> commit and hint (venues' side) and hint -> row at the client (the feed's read).
    const hinted = new Map<string, number>();
    hintTap = redisHints(REDIS, `${tag}:`);
    hintTap.subscribe((h) => void (registrarAudience ? hinted.set(keyring.encode(registrarAudience, "CheckIn", h.checkInId), performance.now()) : hinted.set(h.checkInId, performance.now())));
    for (let i = 0; i < Math.min(o.subscribers, registers.length); i++) {
      const client = createClient({ url: `${feedBase}/graphql/stream`, headers: { authorization: `Bearer ${registrarTokens[i]}` }, retryAttempts: 0 });
      clients.push(client);
      await new Promise<void>((connected, failed) => {
        client.subscribe<{ checkIns: { id: string } }>({ query: `subscription { checkIns { id alert } }` }, {
          next: (m) => void (m.data && arrived.set(m.data.checkIns.id, performance.now())),
          error: failed,
          complete: () => undefined,
        }, { connected: () => connected() });
      });
    }
    const watched = new Set(registers.slice(0, o.subscribers).map((r) => r.id));

    // The batch variant's testing codes are what health-code's issueTestingCode signs for each
    // visitor (same key, same claims), signed here so that every batch carries fresh codes.
    const testingKey = { privateKey: (await importJWK(JSON.parse(env.TESTING_CODE_PRIVATE_JWK!) as JWK, "ES256")) as CryptoKey };
    let visitorCursor = 0;
    const sign = (k: number) => Promise.all(Array.from({ length: k }, () => signTestingCode(visitors[visitorCursor++ % visitors.length]!, testingKey).then((c) => c.payload)));
    // Codes signed ahead (presign) are taken first; only a round that outruns them signs inside it.
    let pool: string[] = [];
    const presign = async (k: number) => void (pool = await sign(k));
    const freshCodes = async (k: number) => (pool.length >= k ? pool.splice(0, k) : sign(k));

    const backends = async () => (await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname LIKE $1`, [`${tag}%`])).rows.map((r) => r.pid);
    const cpu = async () => {
      const byProcess: Record<string, number> = {};
      for (const s of services) byProcess[s.name] = cpuSeconds(s.proc.pid!);
      for (const pid of await backends()) byProcess[`pg:${pid}`] = cpuSeconds(pid);
      return byProcess;
    };

    let n = 0;
    let batchCursor = 0;
    const sentAt = new Map<string, number>();
    const single = async (): Promise<number> => {
      const i = n++;
      const reg = i % registers.length;
      const t = performance.now();
      const res = await post(gatewayUrl, { query: CHECK_IN, variables: { code: codes[reg] } }, { authorization: `Bearer ${visitorTokens[(i * 7919) % visitorTokens.length]}` });
      if (watched.has(registers[reg]!.id)) sentAt.set(asRegistrarId(res.data.checkIn.id), t);
      return 1;
    };
    // One registrar's scanner sends `batch` visitors' testing codes at one of their registers.
    const batched = async (scheduledAt?: number): Promise<number> => {
      const k = batchCursor++;
      const reg = k % registers.length;
      const list = await freshCodes(o.batch);
      const t = scheduledAt ?? performance.now();
      const res = await post(gatewayUrl, { query: CHECK_IN_BATCH, variables: { registerId: registerIds[reg], codes: list } }, { authorization: `Bearer ${registrarTokens[reg]}` });
      let ok = 0;
      for (const item of res.data.checkInBatch as Array<{ checkIn: { id: string } | null; error: unknown }>) {
        if (!item.checkIn) continue;
        ok++;
        if (watched.has(registers[reg]!.id)) sentAt.set(item.checkIn.id, t);
      }
      return ok;
    };

    // `--feedReads N`: the feed's read of a page of 100 visits through the gateway alone (no
    // check-ins running), as the feed asks it (colour and venue kind: three calls through the
    // silos) against CheckIn's alert and admitted (which @require the colour: a fourth call, back
    // to venues), interleaved in rounds of N reads each; latency and CPU per read of every process.
    const feedReads = async (reads: number) => {
      const shapes = {
        "colour + venue kind": HISTORY_QUERY,
        "alert + admitted": HISTORY_QUERY.replace("register { id label venue { kind } } person { name documentNumber healthCode { colour } }", "colour alert admitted register { id label } person { name documentNumber }"),
      };
      if (shapes["alert + admitted"] === HISTORY_QUERY) throw new Error("the feed's history query changed: update the comparison shape");
      const byShape: Record<string, { ms: number[]; cpu: Record<string, number>; n: number }> = {};
      for (let round = 0; round < 3; round++) {
        for (const [name, query] of Object.entries(shapes)) {
          const acc = (byShape[name] ??= { ms: [], cpu: {}, n: 0 });
          const before = await cpu();
          for (let i = 0; i < reads; i++) {
            const reg = i % o.subscribers;
            const t = performance.now();
            const res = await post(gatewayUrl, { query, variables: { registerId: registerIds[reg], first: 100, order: "NEWEST_FIRST" } }, { authorization: `Bearer ${registrarTokens[reg]}` });
            if (res.errors || res.data.visitorHistory.edges.length !== 100) throw new Error(`feed read (${name}): ${JSON.stringify(res.errors ?? res.data).slice(0, 300)}`);
            acc.ms.push(performance.now() - t);
          }
          const after = await cpu();
          for (const k of Object.keys(after)) {
            const key = k.startsWith("pg:") ? "postgres" : k;
            acc.cpu[key] = (acc.cpu[key] ?? 0) + (after[k]! - (before[k] ?? 0)) * 1000;
          }
          acc.n += reads;
        }
      }
      for (const [name, acc] of Object.entries(byShape)) {
        const ms = acc.ms.sort((a, b) => a - b);
        const per = Object.entries(acc.cpu).filter(([, v]) => v / acc.n > 0.005).map(([k, v]) => `${k} ${r2(v / acc.n)}`);
        const total = Object.values(acc.cpu).reduce((a, b) => a + b, 0) / acc.n;
        console.log(`feed read of 100 visits, ${name}: ${acc.n} reads, p50/p99 ${r1(pct(ms, 0.5))}/${r1(pct(ms, 0.99))} ms, CPU ms per read ${r2(total)} (${per.join(", ")})`);
      }
    };

    type Variant = { name: string; once: (scheduledAt?: number) => Promise<number>; concurrency: number; rate?: number };
    const variants: Variant[] = arg("single", 1) === 0 ? [] : [{ name: "checkIn", once: single, concurrency: o.concurrency }];
    if (o.batch > 0 && arg("closed", 1) !== 0) variants.push({ name: `checkInBatch x${o.batch}`, once: batched, concurrency: Math.max(1, Math.min(o.concurrency, registers.length)) });
    if (o.batch > 0 && o.rate > 0) variants.push({ name: `checkInBatch x${o.batch} at ${o.rate}/s`, once: batched, concurrency: 0, rate: o.rate });
    for (const v of variants) for (let i = 0; i < 20; i++) await v.once(); // warm-up
    await new Promise((r) => setTimeout(r, 1000));
    sentAt.clear();

    // What the processes burn with no check-ins at all (event consumers, relays, pollers, the
    // feed's 5-second polls): at a low rate it is a large share of the CPU per check-in below.
    const idleBefore = await cpu();
    const idleStarted = performance.now();
    await new Promise((r) => setTimeout(r, o.seconds * 1000));
    const idleAfter = await cpu();
    const idleSeconds = (performance.now() - idleStarted) / 1000;
    const idleCpuMsPerS: Record<string, number> = { postgres: 0 };
    for (const k of Object.keys(idleAfter)) {
      const ms = ((idleAfter[k]! - (idleBefore[k] ?? 0)) * 1000) / idleSeconds;
      if (k.startsWith("pg:")) idleCpuMsPerS.postgres! += ms;
      else idleCpuMsPerS[k] = Math.round(ms);
    }
    idleCpuMsPerS.postgres = Math.round(idleCpuMsPerS.postgres!);

    const samples: Record<string, Array<Record<string, number>>> = {};
    const firstError: Record<string, string> = {};
    for (let round = 0; round < o.rounds; round++) {
      for (const v of variants) {
        sentAt.clear();
        hinted.clear();
        const latencies: number[] = [];
        let checkIns = 0;
        let failures = 0;
        const failed = (err: unknown) => {
          if (failures++ === 0) firstError[v.name] ??= String((err as Error).message ?? err).slice(0, 300);
        };
        if (v.once === batched) await presign(Math.ceil((v.rate ?? 3000) * o.seconds * 1.3));
        const before = await cpu();
        const started = performance.now();
        const until = started + o.seconds * 1000;
        if (v.rate) {
          // Open loop: batch i is due at started + i * interval, sent then whether or not earlier ones were answered.
          const interval = (1000 * o.batch) / v.rate;
          const inFlight: Array<Promise<void>> = [];
          for (let i = 0; started + i * interval < until; i++) {
            const due = started + i * interval;
            const wait = due - performance.now();
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
            inFlight.push(v.once(due).then((written) => {
              checkIns += written;
              latencies.push(performance.now() - due);
            }, failed));
          }
          await Promise.all(inFlight);
        } else {
          await Promise.all(Array.from({ length: v.concurrency }, async () => {
            while (performance.now() < until) {
              const t = performance.now();
              const written = await v.once().catch((err: unknown) => (failed(err), 0));
              checkIns += written;
              latencies.push(performance.now() - t);
            }
          }));
        }
        const elapsed = (performance.now() - started) / 1000;
        const after = await cpu();
        // Let the feed drain what was sent, then match arrivals to sends.
        const drainUntil = performance.now() + 10_000;
        while (performance.now() < drainUntil && [...sentAt.keys()].some((id) => !arrived.has(id))) await new Promise((r) => setTimeout(r, 50));
        const delivery = [...sentAt].filter(([id]) => arrived.has(id)).map(([id, t]) => arrived.get(id)! - t).sort((a, b) => a - b);
        const withHint = [...sentAt].filter(([id]) => arrived.has(id) && hinted.has(id));
        const toHint = withHint.map(([id, t]) => hinted.get(id)! - t).sort((a, b) => a - b);
        const hintToRow = withHint.map(([id]) => arrived.get(id)! - hinted.get(id)!).sort((a, b) => a - b);
        latencies.sort((a, b) => a - b);
        const cpuMs: Record<string, number> = { postgres: 0 };
        for (const k of Object.keys(after)) {
          const ms = ((after[k]! - (before[k] ?? 0)) * 1000) / checkIns;
          if (k.startsWith("pg:")) cpuMs.postgres! += ms;
          else cpuMs[k] = ms;
        }
        (samples[v.name] ??= []).push({
          checkInsPerS: checkIns / elapsed, failedRequests: failures, requestP50Ms: pct(latencies, 0.5), requestP99Ms: pct(latencies, 0.99),
          feedWatched: sentAt.size, feedDelivered: delivery.length, feedP50Ms: pct(delivery, 0.5), feedP99Ms: pct(delivery, 0.99),
          hintP50Ms: pct(toHint, 0.5), hintP99Ms: pct(toHint, 0.99), hintToRowP50Ms: pct(hintToRow, 0.5), hintToRowP99Ms: pct(hintToRow, 0.99),
          ...Object.fromEntries(Object.entries(cpuMs).map(([k, ms]) => [`cpu:${k}`, ms])),
        });
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    if (arg("feedReads", 0) > 0) await feedReads(arg("feedReads", 0));
    return report(o, variants.map((v) => ({ name: v.name, concurrency: v.concurrency, firstError: firstError[v.name] })), samples, idleCpuMsPerS);
  } finally {
    for (const c of clients) c.dispose();
    await hintTap?.close();
    closeAgent();
    await stopServices(services);
    for (const silo of SILOS) if (dbs[silo]) await admin.query(`DROP DATABASE IF EXISTS ${new URL(dbs[silo]!).pathname.slice(1)} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await dropKeys(REDIS, `${tag}:`);
  }
}

function report(o: CheckInBenchOptions, variants: Array<{ name: string; concurrency: number; firstError?: string }>, samples: Record<string, Array<Record<string, number>>>, idleCpuMsPerS: Record<string, number>): Record<string, unknown> {
  const rows = variants.map((v) => {
    const list = samples[v.name]!;
    const keys = [...new Set(list.flatMap((s) => Object.keys(s)))];
    const m = Object.fromEntries(keys.map((k) => [k, median(list.map((s) => s[k] ?? 0))]));
    const cpuMs = Object.fromEntries(keys.filter((k) => k.startsWith("cpu:") && m[k]! > 0.005).map((k) => [k.slice(4), r2(m[k]!)]));
    return {
      variant: v.name, concurrency: v.concurrency,
      failedRequests: list.reduce((a, x) => a + (x.failedRequests ?? 0), 0), firstError: v.firstError,
      checkInsPerS: { median: Math.round(m.checkInsPerS!), min: Math.round(Math.min(...list.map((s) => s.checkInsPerS!))), max: Math.round(Math.max(...list.map((s) => s.checkInsPerS!))) },
      requestP50Ms: r1(m.requestP50Ms!), requestP99Ms: r1(m.requestP99Ms!),
      feed: { watched: Math.round(m.feedWatched!), delivered: Math.round(m.feedDelivered!), p50Ms: r1(m.feedP50Ms!), p99Ms: r1(m.feedP99Ms!) },
      hint: { p50Ms: r1(m.hintP50Ms!), p99Ms: r1(m.hintP99Ms!) }, hintToRow: { p50Ms: r1(m.hintToRowP50Ms!), p99Ms: r1(m.hintToRowP99Ms!) },
      cpuMsPerCheckIn: cpuMs, totalCpuMsPerCheckIn: r2(Object.values(cpuMs).reduce((a, b) => a + b, 0)),
    };
  });
  console.log(`check-ins through the gateway, services mode (every silo, the gateway and the feed their own process), ${o.rounds} interleaved rounds of ${o.seconds} s,`);
  console.log(`${o.residents} distinct visitors, ${o.registers} registers of distinct registrars, ${o.subscribers} of them watching the feed over SSE; load average ${(require("node:os") as typeof import("node:os")).loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log(["variant", "concurrency", "check-ins/s median [min-max]", "request p50/p99 ms", "feed delivered/watched, p50/p99 ms", "send to hint p50/p99 ms", "hint to row p50/p99 ms", "CPU ms per check-in: per process", "total"].join(" | "));
  for (const r of rows) {
    console.log(`${r.variant} | ${r.concurrency || "open loop"} | ${r.checkInsPerS.median} [${r.checkInsPerS.min}-${r.checkInsPerS.max}] | ${r.requestP50Ms}/${r.requestP99Ms} | ${r.feed.delivered}/${r.feed.watched}, ${r.feed.p50Ms}/${r.feed.p99Ms} | ${r.hint.p50Ms}/${r.hint.p99Ms} | ${r.hintToRow.p50Ms}/${r.hintToRow.p99Ms} | ${Object.entries(r.cpuMsPerCheckIn).map(([p, ms]) => `${p} ${ms}`).join(", ")} | ${r.totalCpuMsPerCheckIn}${r.failedRequests ? ` | ${r.failedRequests} FAILED requests (first: ${r.firstError})` : ""}`);
  }
  console.log(`answer selection: { ${SELECTION} }; idle CPU ms per second (no check-ins): ${Object.entries(idleCpuMsPerS).map(([p, ms]) => `${p} ${ms}`).join(", ")}`);
  const out = { scenario: "check-ins", mode: "services", selection: SELECTION, idleCpuMsPerS, ...o, loadAverage: (require("node:os") as typeof import("node:os")).loadavg(), variants: rows };
  console.log(JSON.stringify(out));
  return out;
}

export function checkInOptionsFromArgs(): CheckInBenchOptions {
  return { rounds: arg("rounds", 2), seconds: arg("seconds", 8), concurrency: arg("concurrency", 32), residents: arg("residents", 1000), registers: arg("registers", 40), subscribers: arg("subscribers", 8), batch: arg("batch", 50), rate: arg("rate", 0), profileDir: strArg("profile") };
}

if (require.main === module) {
  checkInBench(checkInOptionsFromArgs()).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
