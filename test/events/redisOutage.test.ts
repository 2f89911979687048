// Fault test (a) against real PostgreSQL and a redis-server of our own: Redis is killed while
// 10,000 events flow and restarted empty on the same port; every effect still happens exactly once.
import { appendEvents, eventStats, installEventTables, RedisStreamsBus, startConsumer, startRelay, type Consumer, type Relay } from "../../kernel/events";
import { effectCounts, installEffects, recordEffect } from "./helpers/effects";
import { ADMIN_URL, createTestDatabase, type TestDatabase } from "./helpers/pgTestDatabase";
import { RedisServer } from "./helpers/redisServer";
import { waitFor } from "./helpers/wait";

const TOTAL = 10_000;
const PER_TX = 20;
const describeReal = ADMIN_URL ? describe : describe.skip;

describeReal("events on real PostgreSQL + Redis: Redis outage (skipped unless TEST_DATABASE_URL is set)", () => {
  let pg: TestDatabase;
  let redis: RedisServer;
  const buses: RedisStreamsBus[] = [];
  const loops: Array<Relay | Consumer> = [];
  let written = 0;

  // Writes `count` events in transactions of PER_TX, `lanes` transactions at a time.
  async function write(count: number, lanes = 3): Promise<void> {
    let left = count / PER_TX;
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (left-- > 0) {
          await pg.db.transaction((tx) =>
            appendEvents(tx, Array.from({ length: PER_TX }, (_, i) => ({ type: "ResultRecorded", aggregateId: `p_${written + i}`, payload: { n: written + i } }))),
          );
          written += PER_TX;
        }
      }),
    );
  }

  beforeAll(async () => {
    pg = await createTestDatabase("events_outage");
    await installEventTables(pg.db);
    await installEffects(pg.db);
    redis = await RedisServer.start();
  });

  afterAll(async () => {
    await Promise.all(loops.map((l) => l.stop()));
    await Promise.all(buses.map((b) => b.close()));
    await redis?.kill();
    await pg?.drop();
  });

  test("10,000 events through a Redis kill and empty restart: each effect exactly once", async () => {
    const relayBus = new RedisStreamsBus({ url: redis.url });
    const consumerBus = new RedisStreamsBus({ url: redis.url });
    buses.push(relayBus, consumerBus);
    const relay = startRelay({ db: pg.db, source: "testing", bus: relayBus, pollMs: 20, retryMaxMs: 400 });
    loops.push(relay);
    const consumers = ["a", "b"].map((n) =>
      startConsumer({
        bus: consumerBus, db: pg.db, group: "health-code.status", streams: ["testing"], consumerName: n,
        handlers: { ResultRecorded: recordEffect }, blockMs: 200, claimIdleMs: 2_000, claimEveryMs: 500, retryMaxMs: 400,
      }),
    );
    loops.push(...consumers);

    const firstWrites = write(4_000);
    await waitFor("1,000 effects before the outage", async () => (await effectCounts(pg.db)).counter >= 1_000, 30_000);
    await redis.kill();
    await firstWrites; // writers never notice the outage
    await write(4_000);
    const during = (await eventStats({ outboxes: [{ source: "testing", db: pg.db }] })).outboxes[0]!;
    expect(during.unpublished).toBeGreaterThanOrEqual(4_000);
    await waitFor("the relay to record the failure", async () => (await eventStats({ outboxes: [{ source: "testing", db: pg.db }] })).outboxes[0]!.lastError !== null, 15_000);

    await redis.restart();
    await write(TOTAL - written);
    expect(written).toBe(TOTAL);
    await waitFor("10,000 effects", async () => (await effectCounts(pg.db)).counter >= TOTAL, 90_000, 100);
    await waitFor("all acknowledged", async () => {
      const [s] = await consumerBus.streamStats(["testing"]);
      return s?.groups[0]?.pending === 0 && s.groups[0].lag === 0;
    }, 20_000, 100);

    expect(await effectCounts(pg.db)).toEqual({ rows: TOTAL, distinct: TOTAL, counter: TOTAL });
    const totals = consumers.map((c) => c.counters());
    expect(totals.reduce((n, c) => n + c.processed, 0)).toBe(TOTAL);
    // The relay noticed the empty Redis and republished its newest event; the group asked for the
    // positions it had lost in flight. Only those were republished (not the last 24 h), so the
    // consumers skipped at most that many as already applied.
    const r = relay.counters();
    expect(r.lossesDetected).toBeGreaterThanOrEqual(1);
    const republished = r.republished + r.repairRepublished;
    expect(republished).toBeLessThan(TOTAL / 2);
    expect(totals.reduce((n, c) => n + c.duplicates, 0)).toBeLessThanOrEqual(republished);
    expect(totals.reduce((n, c) => n + c.deadLettered, 0)).toBe(0);
    const [unpublished] = await pg.db.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL");
    expect(unpublished?.n).toBe(0);
  }, 180_000);
});
