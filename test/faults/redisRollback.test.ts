// No silent event loss when Redis comes back with older data: a redis-server of the test's own is
// snapshotted (SAVE), more events are published and acknowledged, and the server is killed and
// restarted from the snapshot, as after a restore or a failover to a lagging replica. The epoch
// key survives, so only the high-water mark (outbox seq vs the stream's newest seq) can tell.
// Every event's effect must still be applied exactly once, and only the lost tail republished.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "pg";
import Redis from "ioredis";
import { pgDatabase, type SqlDatabase } from "../../kernel/db/sql";
import { appendEvents, installEventTables, RedisStreamsBus, startConsumer, startRelay, type Consumer, type Relay } from "../../kernel/events";
import { effectCounts, installEffects, recordEffect } from "../events/helpers/effects";
import { waitFor } from "../events/helpers/wait";
import { freePort, PgCluster } from "./helpers/pgCluster";
import { record } from "./helpers/report";

const describeIf = PgCluster.available() ? describe : describe.skip;

/** A redis-server that persists only when told (SAVE) and restarts from its dump file. */
class SnapshotRedis {
  private proc: ChildProcess | undefined;
  private constructor(readonly port: number, readonly dir: string) {}
  static async start(): Promise<SnapshotRedis> {
    const r = new SnapshotRedis(await freePort(), mkdtempSync(join(tmpdir(), "hg-faults-redis-")));
    await r.boot();
    return r;
  }
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  async boot(): Promise<void> {
    this.proc = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir, "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    await waitFor("redis-server to answer", async () => {
      const c = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      c.on("error", () => undefined);
      try {
        await c.connect();
        return (await c.ping()) === "PONG";
      } catch {
        return false;
      } finally {
        c.disconnect();
      }
    }, 10_000, 50);
  }
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once("exit", r));
    p.kill("SIGKILL");
    await exited;
  }
  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describeIf("Redis restored from an older snapshot (throwaway redis-server and PostgreSQL)", () => {
  let cluster: PgCluster;
  let pool: Pool;
  let db: SqlDatabase;
  let redis: SnapshotRedis;
  let bus: RedisStreamsBus;
  const loops: Array<Relay | Consumer> = [];
  const afterDisconnect: Redis[] = [];

  beforeAll(async () => {
    cluster = await PgCluster.start();
    pool = new Pool({ connectionString: await cluster.createDatabase("rollback"), max: 4 });
    pool.on("error", () => undefined);
    db = pgDatabase(pool);
    await installEventTables(db);
    await installEffects(db);
    redis = await SnapshotRedis.start();
    bus = new RedisStreamsBus({ url: redis.url, keyPrefix: "rollback:" });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(loops.splice(0).map((l) => l.stop()));
    for (const c of afterDisconnect) c.disconnect();
    await bus?.close();
    await redis?.destroy();
    await pool?.end();
    await cluster?.destroy();
  });

  const write = (n: number, from: number) =>
    db.transaction((tx) => appendEvents(tx, Array.from({ length: n }, (_, i) => ({ type: "ResultRecorded", aggregateId: `p_${from + i}`, payload: { n: from + i } }))));
  const unpublished = async () => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL"))[0]!.n;
  const consumer = () => {
    const c = startConsumer({ bus, db, group: "health-code.rollback", streams: ["testing"], handlers: { ResultRecorded: recordEffect }, blockMs: 200, retryBaseMs: 20, retryMaxMs: 200 });
    loops.push(c);
    return c;
  };

  test("events acknowledged after the snapshot are republished (only those) and applied exactly once", async () => {
    const relay = startRelay({ db, source: "testing", bus, pollMs: 20, retryBaseMs: 20, retryMaxMs: 200 });
    loops.push(relay);
    let c = consumer();
    await write(200, 0);
    await waitFor("200 effects", async () => (await effectCounts(db)).distinct === 200, 30_000);
    const admin = new Redis(redis.url);
    await admin.save();
    // The consumer is away while 300 more are published and acknowledged by Redis.
    await c.stop();
    loops.splice(loops.indexOf(c), 1);
    await write(300, 200);
    await waitFor("the relay to publish all 500", async () => (await unpublished()) === 0, 30_000);
    expect(await admin.xlen("rollback:events:testing")).toBe(500);
    admin.disconnect();

    await redis.kill();
    await redis.boot();
    const restarted = Date.now();
    c = consumer();
    await waitFor("all 500 effects after the restore", async () => (await effectCounts(db)).distinct === 500, 60_000, 50);
    record("redis restored from a snapshot 300 events old", "all lost events applied after restart", Date.now() - restarted);
    const counts = await effectCounts(db);
    expect(counts).toEqual({ rows: 500, distinct: 500, counter: 500 });
    expect(relay.counters().republished).toBe(300);
    expect(relay.counters().lossesDetected).toBe(1);
  }, 120_000);

  test("a dead consumer (idle, nothing pending) is removed from its group by a live one", async () => {
    const group = "health-code.forget";
    const dead = startConsumer({ bus, db, group, streams: ["testing"], handlers: { ResultRecorded: recordEffect }, blockMs: 100, consumerName: "dead-consumer" });
    const admin = new Redis(redis.url);
    afterDisconnect.push(admin);
    const names = async () => ((await admin.xinfo("CONSUMERS", "rollback:events:testing", group)) as unknown[][]).map((c) => String(c[1]));
    await waitFor("the first consumer to join", async () => (await names().catch((): string[] => [])).includes("dead-consumer"), 10_000);
    await dead.stop();
    const live = startConsumer({ bus, db, group, streams: ["testing"], handlers: { ResultRecorded: recordEffect }, blockMs: 100, claimEveryMs: 100, claimIdleMs: 200, forgetIdleMs: 300 });
    loops.push(live);
    await waitFor("the dead consumer to be forgotten", async () => !(await names()).includes("dead-consumer"), 10_000);
    expect(await names()).toEqual([live.name]);
    expect(live.counters().forgotten).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
