// Event kernel benchmark: a steady load of outbox writes in one silo's PostgreSQL database, relayed
// to Redis Streams and applied by a consumer group in a second database. Prints end-to-end
// events/second (outbox write → effect committed) and the lag from occurredAt to effect commit.
// Usage: npx tsx bench/events.ts [--events N] [--rate R (events/s, 0 = as fast as possible)]
//        [--per-tx K] [--consumers C] [--json]. Needs PostgreSQL (BENCH_DATABASE_URL or
// TEST_DATABASE_URL, an admin URL; default postgresql://postgres@127.0.0.1:5432/postgres); uses
// REDIS_URL if set, else starts its own redis-server on a free port. It measures; it asserts nothing.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { Pool } from "pg";
import Redis from "ioredis";
import { pgDatabase, type SqlDatabase } from "../kernel/db/sql";
import { appendEvents, installEventTables, RedisStreamsBus, relayNotifier, startConsumer, startRelay, type EventEnvelope } from "../kernel/events";
import { arg } from "./support/args";

const N = arg("events", 10_000), RATE = arg("rate", 500), PER_TX = arg("per-tx", 1), CONSUMERS = arg("consumers", 2);
const JSON_OUT = process.argv.includes("--json");
const ADMIN = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let closing = false;

async function ownRedis(): Promise<{ url: string; proc?: ChildProcess }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL };
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
  const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 1 });
  probe.on("error", () => undefined); // refused until the server is up
  for (const deadline = Date.now() + 10_000; ; await sleep(50)) {
    if ((await probe.ping().catch(() => "")) === "PONG") break;
    if (Date.now() > deadline) throw new Error("redis-server did not start");
  }
  probe.disconnect();
  return { url, proc };
}

async function database(admin: Pool, name: string): Promise<{ pool: Pool; db: SqlDatabase }> {
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN);
  url.pathname = `/${name}`;
  const pool = new Pool({ connectionString: url.toString(), max: 8 });
  pool.on("error", (err) => void (closing || console.error(`pool ${name}: ${err.message}`)));
  const db = pgDatabase(pool);
  await installEventTables(db);
  return { pool, db };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function main(): Promise<void> {
  const admin = new Pool({ connectionString: ADMIN, max: 1 });
  const tag = `${process.pid}_${Date.now().toString(36)}`;
  const src = await database(admin, `bench_events_src_${tag}`);
  const dst = await database(admin, `bench_events_dst_${tag}`);
  await dst.db.query("CREATE TABLE effect (event_id uuid PRIMARY KEY, person text NOT NULL)");
  const redis = await ownRedis();
  const relayBus = new RedisStreamsBus({ url: redis.url });
  const consumerBus = new RedisStreamsBus({ url: redis.url });
  const notifier = relayNotifier();
  const relay = startRelay({ db: src.db, source: "testing", bus: relayBus, notify: notifier, pollMs: 50 });

  // Lag is measured when the effect's transaction has committed: the wrapper notes the time after
  // each successful transaction, for the event its handler saw.
  const lags: number[] = [];
  let lastCommit = 0;
  const consumers = Array.from({ length: CONSUMERS }, (_, i) => {
    let current: EventEnvelope | undefined;
    const db: SqlDatabase = {
      query: (t, p) => dst.db.query(t, p),
      transaction: async (fn) => {
        current = undefined;
        const result = await dst.db.transaction(fn);
        const seen = current as EventEnvelope | undefined; // set by the handler during fn
        if (seen) (lags.push(Date.now() - Date.parse(seen.occurredAt)), (lastCommit = Date.now()));
        return result;
      },
    };
    return startConsumer({
      bus: consumerBus, db, group: "health-code.bench", streams: ["testing"], consumerName: `bench-${i}`, batchSize: 200,
      handlers: { ResultRecorded: async (e, tx) => void (await tx.query("INSERT INTO effect VALUES ($1::uuid, $2)", [e.id, e.aggregateId]), (current = e)) },
    });
  });

  const started = Date.now();
  let issued = 0;
  const inflight = new Set<Promise<void>>();
  while (issued < N) {
    const due = RATE > 0 ? Math.min(N, Math.floor(((Date.now() - started) / 1000) * RATE)) : N;
    while (issued < due && inflight.size < 8) {
      const k = Math.min(PER_TX, N - issued);
      const base = issued;
      issued += k;
      const p = src.db
        .transaction((tx) => appendEvents(tx, Array.from({ length: k }, (_, j) => ({ type: "ResultRecorded", aggregateId: `p_${base + j}`, payload: { tube: base + j, result: "NEGATIVE" } }))))
        .then(() => notifier.notify())
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await (inflight.size >= 8 ? Promise.race(inflight) : sleep(2));
  }
  await Promise.all(inflight);
  const writeSeconds = (Date.now() - started) / 1000;
  for (const deadline = Date.now() + 120_000; lags.length < N && Date.now() < deadline; ) await sleep(20);
  const e2eSeconds = (lastCommit - started) / 1000;

  closing = true;
  await relay.stop();
  await Promise.all(consumers.map((c) => c.stop()));
  await Promise.all([relayBus.close(), consumerBus.close()]);
  redis.proc?.kill("SIGKILL");
  await Promise.all([src.pool.end(), dst.pool.end()]);
  for (const name of [`bench_events_src_${tag}`, `bench_events_dst_${tag}`]) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();

  const sorted = [...lags].sort((a, b) => a - b);
  const result = {
    events: N, applied: lags.length, targetRate: RATE, perTransaction: PER_TX, consumers: CONSUMERS,
    writeRate: Math.round(N / writeSeconds), endToEndRate: Math.round(lags.length / e2eSeconds), seconds: Number(e2eSeconds.toFixed(2)),
    lagMs: { p50: pct(sorted, 50), p90: pct(sorted, 90), p99: pct(sorted, 99), max: sorted[sorted.length - 1] ?? 0 },
  };
  console.log(`events bench: ${N} events, target ${RATE > 0 ? `${RATE}/s` : "unthrottled"}, ${PER_TX} per transaction, ${CONSUMERS} consumers, redis ${process.env.REDIS_URL ? "REDIS_URL" : "own redis-server"}`);
  console.log(`written      ${N} in ${writeSeconds.toFixed(2)} s (${result.writeRate} events/s)`);
  console.log(`end-to-end   ${lags.length} effects committed in ${e2eSeconds.toFixed(2)} s (${result.endToEndRate} events/s)`);
  console.log(`lag ms       p50 ${result.lagMs.p50}  p90 ${result.lagMs.p90}  p99 ${result.lagMs.p99}  max ${result.lagMs.max}`);
  if (JSON_OUT) console.log(JSON.stringify(result));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
