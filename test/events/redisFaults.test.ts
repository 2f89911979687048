// Fault tests (b)–(d) against real PostgreSQL and a redis-server of our own: a consumer killed
// mid-batch, the same message delivered twice, a poison event; plus two relays on one outbox.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import {
  appendEvents, eventStats, installEventTables, RedisStreamsBus, renderEventMetrics, startConsumer, startRelay,
  type Consumer, type ConsumerOptions, type Relay,
} from "../../kernel/events";
import { effectCounts, installEffects, recordEffect } from "./helpers/effects";
import { ADMIN_URL, createTestDatabase, type TestDatabase } from "./helpers/pgTestDatabase";
import { RedisServer } from "./helpers/redisServer";
import { waitFor } from "./helpers/wait";

const describeReal = ADMIN_URL ? describe : describe.skip;

describeReal("events on real PostgreSQL + Redis: consumer faults (skipped unless TEST_DATABASE_URL is set)", () => {
  let pg: TestDatabase;
  let redis: RedisServer;
  let bus: RedisStreamsBus;
  const loops: Array<Relay | Consumer> = [];

  async function write(stream: string, n: number, payload: Record<string, unknown> = {}): Promise<void> {
    await pg.db.transaction((tx) => appendEvents(tx, Array.from({ length: n }, (_, i) => ({ type: "ResultRecorded", aggregateId: `p_${i}`, payload: { n: i, stream, ...payload } }))));
  }

  function consumer(o: Partial<ConsumerOptions> & { group: string; streams: string[] }): Consumer {
    const c = startConsumer({ bus, db: pg.db, handlers: { ResultRecorded: recordEffect }, blockMs: 200, retryBaseMs: 20, retryMaxMs: 100, ...o });
    loops.push(c);
    return c;
  }

  function relay(source: string): Relay {
    const r = startRelay({ db: pg.db, source, bus, pollMs: 20 });
    loops.push(r);
    return r;
  }

  beforeAll(async () => {
    pg = await createTestDatabase("events_faults");
    await installEventTables(pg.db);
    await installEffects(pg.db);
    redis = await RedisServer.start();
    bus = new RedisStreamsBus({ url: redis.url });
  });

  afterEach(async () => {
    await Promise.all(loops.splice(0).map((l) => l.stop()));
    await pg.db.query("TRUNCATE outbox_event, processed_event, consumer_position, event_receipt, effect, effect_counter");
  });

  afterAll(async () => {
    await bus?.close();
    await redis?.kill();
    await pg?.drop();
  });

  test("(b) a consumer killed mid-batch: another claims its pending messages; nothing lost, nothing twice", async () => {
    await write("b", 1_500);
    await relay("b").drainOnce();
    // Node itself with tsx as a loader (not the tsx CLI, which would put a second process between
    // the test and the consumer, and SIGKILL would orphan the consumer instead of killing it).
    const child = spawn(process.execPath, ["--import", "tsx", join(__dirname, "helpers/consumerChild.ts")], {
      cwd: join(__dirname, "../.."),
      env: { ...process.env, NODE_OPTIONS: "", DATABASE_URL: pg.url, REDIS_URL: redis.url, GROUP: "venues.b", STREAM: "b", NAME: "doomed" },
      stdio: "ignore",
    });
    const exited = new Promise((r) => child.once("exit", r));
    try {
      await waitFor("the doomed consumer to apply 200 effects", async () => (await effectCounts(pg.db)).counter >= 200, 30_000);
    } finally {
      child.kill("SIGKILL");
    }
    await exited;
    const [before] = await bus.streamStats(["b"]);
    expect(before?.groups[0]?.pending).toBeGreaterThan(0); // delivered to the dead consumer, never acked
    const survivor = consumer({ group: "venues.b", streams: ["b"], claimIdleMs: 1_000, claimEveryMs: 200 });
    await waitFor("1,500 effects", async () => (await effectCounts(pg.db)).counter >= 1_500, 60_000);
    await waitFor("nothing pending", async () => (await bus.streamStats(["b"]))[0]?.groups[0]?.pending === 0, 10_000);
    expect(await effectCounts(pg.db)).toEqual({ rows: 1_500, distinct: 1_500, counter: 1_500 });
    expect(survivor.counters().claimed).toBeGreaterThan(0);
  }, 120_000);

  test("(c) the same envelope XADDed twice has one effect", async () => {
    const c = consumer({ group: "venues.c", streams: ["c"] });
    const e = { id: randomUUID(), type: "ResultRecorded", version: 1, aggregateId: "p_c", occurredAt: new Date().toISOString(), source: "c", payload: { n: 1 } };
    await bus.confirmStorage("c"); // what a relay does before its first publish
    expect(await bus.publish("c", [e])).toEqual({ storageReset: false });
    await bus.publish("c", [e]);
    await waitFor("both deliveries", () => c.counters().processed + c.counters().duplicates === 2, 10_000);
    expect(c.counters()).toMatchObject({ processed: 1, duplicates: 1 });
    expect(await effectCounts(pg.db)).toEqual({ rows: 1, distinct: 1, counter: 1 });
  });

  test("(d) a poison event is dead-lettered with its error, visible in stats, and the stream keeps flowing", async () => {
    relay("d");
    const c = consumer({
      group: "venues.d", streams: ["d"], maxAttempts: 3,
      handlers: {
        ResultRecorded: async (e, tx) => {
          if (e.payload.poison) throw new Error("register R-17 does not exist");
          await recordEffect(e, tx);
        },
      },
    });
    await write("d", 5);
    await write("d", 1, { poison: true });
    await write("d", 5);
    await waitFor("10 effects and 1 dead letter", async () => (await effectCounts(pg.db)).counter === 10 && c.counters().deadLettered === 1, 15_000);
    await waitFor("nothing pending", async () => (await bus.streamStats(["d"]))[0]?.groups[0]?.pending === 0, 10_000);
    const stats = await eventStats({ bus, outboxes: [{ source: "d", db: pg.db }], consumers: [c] });
    expect(stats.streams[0]).toMatchObject({
      stream: "d",
      length: 11,
      groups: [{ group: "venues.d", pending: 0, lag: 0, consumers: 1 }],
      deadLetters: [{ group: "venues.d", count: 1, lastError: expect.stringContaining("R-17 does not exist") }],
    });
    const text = await renderEventMetrics(stats);
    expect(text).toContain('events_dead_letters{stream="d",group="venues.d"} 1');
    expect(text).toContain('events_group_lag{stream="d",group="venues.d"} 0');
    expect(text).not.toMatch(/R-17|p_\d/);
    const [letter] = await bus.redis.xrange("dlq:d:venues.d", "-", "+");
    expect(letter?.[1]).toEqual(expect.arrayContaining(["attempts", "3"]));
  });

  test("two relays on one outbox publish every event exactly once", async () => {
    await write("e", 2_000);
    const [r1, r2] = [relay("e"), relay("e")];
    await waitFor("all published", async () => (await pg.db.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL"))[0]?.n === 0, 20_000);
    await Promise.all([r1.stop(), r2.stop()]);
    expect((await bus.streamStats(["e"]))[0]?.length).toBe(2_000);
  });
});
