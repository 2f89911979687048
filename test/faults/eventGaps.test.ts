// Events lost between a source and a consumer group, found by the group's positions (every event
// carries its dense publication number) and repaired from the source's outbox: entries lost in the
// middle of a stream, a Redis that came back empty (republish bounded to what the group lacks, not
// the last 24 h), and a loss older than the outbox's retention (raised as a metric and an error
// log, never silent). A redis-server of the test's own, killed and restarted by the test; the
// producing (testing) and consuming (health-code) silos each on their own migrated database.
import { join } from "node:path";
import Redis from "ioredis";
import { openSiloDatabase, type SiloDatabase } from "../../kernel/db/open";
import {
  appendEvents, eventStats, pruneOutbox, RedisStreamsBus, renderEventMetrics, startConsumer, startRelay,
  type Consumer, type ConsumerOptions, type Logger, type Relay,
} from "../../kernel/events";
import { createTestDatabase, MODES } from "../support/services";
import { effectCounts, installEffects, recordEffect } from "../events/helpers/effects";
import { RedisServer } from "../events/helpers/redisServer";
import { waitFor } from "../events/helpers/wait";
import { record } from "./helpers/report";

const MIGRATIONS = (silo: string) => join(__dirname, "..", "..", "subgraphs", silo, "prisma", "migrations");
const GROUP = "health-code.gap-test";

interface Line { level: "warn" | "error"; msg: string; fields?: Record<string, unknown> }

describe.each(MODES)("lost events found by position and repaired (%s, own redis-server)", (mode) => {
  let producer: SiloDatabase;
  let consumerDb: SiloDatabase;
  const drops: Array<() => Promise<void>> = [];
  let redis: RedisServer;
  let admin: Redis;
  let bus: RedisStreamsBus;
  let prefix = "";
  let lines: Line[] = [];
  const logger: Logger = {
    warn: (msg, fields) => void lines.push({ level: "warn", msg, fields: fields as Record<string, unknown> }),
    error: (msg, fields) => void lines.push({ level: "error", msg, fields: fields as Record<string, unknown> }),
  };
  const loops: Array<Relay | Consumer> = [];

  async function open(silo: string): Promise<SiloDatabase> {
    let url: string | undefined;
    if (mode === "services") {
      const made = await createTestDatabase(`gaps_${silo}`);
      url = made.url;
      drops.push(made.drop);
    }
    return openSiloDatabase({ url, migrationsDir: MIGRATIONS(silo), poolSize: 4 });
  }

  beforeAll(async () => {
    producer = await open("testing");
    consumerDb = await open("health-code");
    await installEffects(consumerDb.sql);
    redis = await RedisServer.start();
    admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    admin.on("error", () => undefined);
  }, 120_000);

  beforeEach(() => {
    prefix = `gaps-${Math.random().toString(36).slice(2, 8)}:`;
    bus = new RedisStreamsBus({ url: redis.url, keyPrefix: prefix });
    lines = [];
  });

  afterEach(async () => {
    await Promise.all(loops.splice(0).map((l) => l.stop()));
    await bus.close();
    await producer.sql.query("TRUNCATE outbox_event");
    await consumerDb.sql.query("TRUNCATE processed_event, consumer_position, event_receipt, effect, effect_counter");
  });

  afterAll(async () => {
    admin?.disconnect();
    await redis?.kill();
    await producer?.close();
    await consumerDb?.close();
    for (const drop of drops) await drop();
  });

  const write = (n: number, from: number) =>
    producer.sql.transaction((tx) => appendEvents(tx, Array.from({ length: n }, (_, i) => ({ type: "ResultRecorded", aggregateId: `p_${from + i}`, payload: { n: from + i } }))));
  const unpublished = async () => (await producer.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL"))[0]!.n;
  const appliedThrough = async () =>
    Number((await consumerDb.sql.query<{ p: string }>("SELECT applied_through::text AS p FROM consumer_position WHERE consumer = $1 AND source = 'testing'", [GROUP]))[0]?.p ?? 0);
  const republishedRows = async () => (await producer.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox_event WHERE attempts >= 2"))[0]!.n;

  function relay(): Relay {
    const r = startRelay({ db: producer.sql, source: "testing", bus, pollMs: 20, retryBaseMs: 20, retryMaxMs: 200, logger });
    loops.push(r);
    return r;
  }
  function consumer(extra: Partial<ConsumerOptions> = {}): Consumer {
    const c = startConsumer({
      bus, db: consumerDb.sql, group: GROUP, streams: ["testing"], handlers: { ResultRecorded: recordEffect }, logger,
      blockMs: 100, retryBaseMs: 20, retryMaxMs: 200, gapCheckMs: 100, gapGraceMs: 300, ...extra,
    });
    loops.push(c);
    return c;
  }
  async function stop(c: Consumer): Promise<void> {
    await c.stop();
    loops.splice(loops.indexOf(c), 1);
  }
  /** Deletes the stream entries of the given positions, as a trim or a lost write would. */
  async function loseFromStream(positions: number[]): Promise<void> {
    const entries = await admin.xrange(`${prefix}events:testing`, "-", "+");
    const ids = entries.filter(([, f]) => positions.includes(Number(JSON.parse(f[f.indexOf("event") + 1]!).position))).map(([id]) => id);
    expect(ids).toHaveLength(positions.length);
    await admin.xdel(`${prefix}events:testing`, ...ids);
  }
  async function metrics(r: Relay, c: Consumer): Promise<string> {
    const stats = await eventStats({ consumers: [c] });
    stats.relays = [{ source: "testing", ...r.counters() }];
    return renderEventMetrics(stats);
  }

  /** 10 events applied, 10 more published while no consumer runs, then positions 13–15 lost from the stream; returns the relay. */
  async function twentyPublishedThreeLost(): Promise<Relay> {
    const r = relay();
    const c = consumer();
    await write(10, 0);
    await waitFor("10 effects", async () => (await effectCounts(consumerDb.sql)).distinct === 10, 30_000);
    await stop(c);
    await write(10, 10);
    await waitFor("all 20 published", async () => (await unpublished()) === 0, 30_000);
    await loseFromStream([13, 14, 15]);
    return r;
  }

  test("entries lost from the middle of the stream: the group finds the hole, asks, and gets exactly those", async () => {
    const r = await twentyPublishedThreeLost();
    const lostAt = Date.now();
    const c = consumer();
    await waitFor("all 20 effects", async () => (await effectCounts(consumerDb.sql)).distinct === 20, 30_000);
    record("stream entries lost (XDEL of 3)", "gap found by position and repaired", Date.now() - lostAt);
    expect(await effectCounts(consumerDb.sql)).toEqual({ rows: 20, distinct: 20, counter: 20 });
    expect(c.counters()).toMatchObject({ gapEvents: 3, repairRequests: 1, unrepairedGap: 0 });
    expect(r.counters()).toMatchObject({ repairRequests: 1, repairRepublished: 3, unrepairable: 0, lossesDetected: 0 });
    expect(await republishedRows()).toBe(3);
    expect(lines).toContainEqual(expect.objectContaining({ level: "warn", msg: expect.stringContaining("never received"), fields: expect.objectContaining({ from: 13, to: 15, missing: 3 }) }));
    await waitFor("the group's position to reach 20", async () => (await appliedThrough()) === 20);
    expect(await metrics(r, c)).toMatch(new RegExp(`events_consumer_gap_events_total\\{group="${GROUP}"\\} 3`));
  }, 90_000);

  test("two consumers of one group see the same hole: one asks, so it is republished once", async () => {
    const r = await twentyPublishedThreeLost();
    const both = [consumer({ consumerName: "a" }), consumer({ consumerName: "b" })];
    await waitFor("all 20 effects", async () => (await effectCounts(consumerDb.sql)).distinct === 20, 30_000);
    expect(await effectCounts(consumerDb.sql)).toEqual({ rows: 20, distinct: 20, counter: 20 });
    // Both watched the group's positions and found the hole; only the one that claimed the ask sent it.
    expect(both.reduce((n, c) => n + c.counters().repairRequests, 0)).toBe(1);
    expect(r.counters()).toMatchObject({ repairRequests: 1, repairRepublished: 3, unrepairable: 0 });
    expect(await republishedRows()).toBe(3);
    expect(lines.filter((l) => l.msg.includes("another consumer of the group has asked"))).toHaveLength(
      both.filter((c) => c.counters().gapEvents > 0).length - 1,
    );
  }, 90_000);

  test("Redis restarted empty: only the newest event and what the group lacks are republished, not the whole outbox", async () => {
    const r = relay();
    let c = consumer();
    await write(1_000, 0);
    await waitFor("1,000 effects", async () => (await effectCounts(consumerDb.sql)).distinct === 1_000, 60_000, 50);
    await waitFor("the group's position to reach 1,000", async () => (await appliedThrough()) === 1_000, 10_000);
    await stop(c);
    await write(50, 1_000);
    await waitFor("all 1,050 published", async () => (await unpublished()) === 0, 30_000);

    await redis.kill();
    await redis.restart();
    const restarted = Date.now();
    c = consumer();
    await waitFor("all 1,050 effects after the empty restart", async () => (await effectCounts(consumerDb.sql)).distinct === 1_050, 60_000, 50);
    record("redis restarted empty, 50 events unconsumed", "all lost events applied after restart", Date.now() - restarted);
    expect(await effectCounts(consumerDb.sql)).toEqual({ rows: 1_050, distinct: 1_050, counter: 1_050 });
    // Before positions the relay republished all 1,050 (the last 24 h); now the newest event plus the 50.
    const republished = await republishedRows();
    expect(republished).toBeGreaterThanOrEqual(50);
    expect(republished).toBeLessThanOrEqual(51);
    expect(r.counters()).toMatchObject({ lossesDetected: 1, republished: 1, unrepairable: 0 });
    expect(c.counters().repairRequests).toBeGreaterThanOrEqual(1);
    expect(lines).toContainEqual(expect.objectContaining({ msg: expect.stringContaining("never received"), fields: expect.objectContaining({ from: 1_001, to: 1_049, missing: 49 }) }));
  }, 150_000);

  test("events pruned from the outbox before the group applied them: raised at both ends, never silent", async () => {
    const r = relay();
    let c = consumer({ gapRetryMs: 500, gapLostAfterMs: 1_500 });
    await write(10, 0);
    await waitFor("10 effects", async () => (await effectCounts(consumerDb.sql)).distinct === 10, 30_000);
    await stop(c);
    await write(10, 10);
    await waitFor("all 20 published", async () => (await unpublished()) === 0, 30_000);
    // Redis lost three entries, and retention pruned their outbox rows before anyone noticed.
    await loseFromStream([13, 14, 15]);
    await producer.sql.query("UPDATE outbox_event SET published_at = now() - interval '8 days' WHERE position BETWEEN 13 AND 15");
    expect(await pruneOutbox(producer.sql, 7 * 24 * 3600_000)).toBe(3);

    c = consumer({ gapRetryMs: 500, gapLostAfterMs: 1_500 });
    await waitFor("the relay to report the unrepairable positions", async () => r.counters().unrepairable >= 3, 30_000);
    await waitFor("the group to report the gap as unrepaired", async () => c.counters().unrepairedGap === 3, 30_000);
    expect(await effectCounts(consumerDb.sql)).toEqual({ rows: 17, distinct: 17, counter: 17 });
    expect(lines).toContainEqual(expect.objectContaining({ level: "error", msg: expect.stringContaining("no longer in the outbox"), fields: expect.objectContaining({ group: GROUP, from: 13, to: 15, missing: 3 }) }));
    expect(lines).toContainEqual(expect.objectContaining({ level: "error", msg: expect.stringContaining("not repaired"), fields: expect.objectContaining({ from: 13, to: 15, missing: 3 }) }));
    const text = await metrics(r, c);
    expect(text).toMatch(/events_relay_unrepairable_total\{stream="testing"\} [3-9]/);
    expect(text).toMatch(new RegExp(`events_consumer_unrepaired_gap_events\\{group="${GROUP}"\\} 3`));
    expect(await appliedThrough()).toBe(12);

    // The operator, having dealt with the loss, moves the group past it: the alert clears.
    await consumerDb.sql.query("UPDATE consumer_position SET applied_through = 15 WHERE consumer = $1 AND source = 'testing'", [GROUP]);
    await waitFor("the gauge to clear", async () => c.counters().unrepairedGap === 0, 10_000);
    await waitFor("the group's position to reach 20", async () => (await appliedThrough()) === 20);
  }, 90_000);
});
