// The event kernel end to end in embedded mode: PGlite in memory and the in-process bus.
import { PGlite } from "@electric-sql/pglite";
import { pgliteDatabase, type SqlDatabase } from "../../kernel/db/sql";
import {
  appendEvents, EVENTS_DDL, eventStats, InProcessBus, installEventTables, renderEventMetrics,
  startConsumer, startRelay, type Consumer, type EventBus, type EventEnvelope, type Relay,
} from "../../kernel/events";
import { effectCounts, installEffects, recordEffect } from "./helpers/effects";
import { waitFor } from "./helpers/wait";

const PERSON = "p_7Qk2vXn0aB";
let pg: PGlite;
let db: SqlDatabase;
const running: Array<Relay | Consumer> = [];

async function write(n: number, type = "ResultRecorded", extra: Record<string, unknown> = {}): Promise<EventEnvelope[]> {
  const stored = await db.transaction((tx) =>
    appendEvents(tx, Array.from({ length: n }, (_, i) => ({ type, aggregateId: PERSON, payload: { n: i, ...extra } }))),
  );
  return stored.map((e) => ({ ...e, source: "testing" }));
}

function consume(bus: EventBus, extra: Partial<Parameters<typeof startConsumer>[0]> = {}): Consumer {
  const c = startConsumer({
    bus, db, group: "health-code.status", streams: ["testing"], handlers: { ResultRecorded: recordEffect },
    blockMs: 50, retryBaseMs: 5, retryMaxMs: 20, claimIdleMs: 200, claimEveryMs: 50, ...extra,
  });
  running.push(c);
  return c;
}

function relay(bus: EventBus): Relay {
  const r = startRelay({ db, source: "testing", bus, pollMs: 20, retryBaseMs: 10, retryMaxMs: 50 });
  running.push(r);
  return r;
}

beforeAll(async () => {
  pg = new PGlite();
  db = pgliteDatabase(pg);
  await installEventTables(db);
  await installEventTables(db); // idempotent
  await installEffects(db);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
  await db.query("TRUNCATE outbox_event, processed_event, consumer_position, event_receipt, effect, effect_counter");
});

afterAll(async () => {
  await pg.close();
});

test("the exported DDL creates both event tables", () => {
  expect(EVENTS_DDL).toContain('CREATE TABLE "outbox_event"');
  expect(EVENTS_DDL).toContain('CREATE TABLE "processed_event"');
});

test("append → relay → consumer applies each effect once", async () => {
  const bus = new InProcessBus();
  relay(bus);
  const c = consume(bus);
  await write(5);
  await write(20);
  await waitFor("25 effects", async () => (await effectCounts(db)).counter === 25);
  expect(await effectCounts(db)).toEqual({ rows: 25, distinct: 25, counter: 25 });
  const [unpublished] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL");
  expect(unpublished?.n).toBe(0);
  await waitFor("acks", async () => (await bus.streamStats(["testing"]))[0]?.groups[0]?.pending === 0);
  expect(c.counters()).toMatchObject({ processed: 25, duplicates: 0, deadLettered: 0 });
});

test("a relay's expander completes rows of its type before publishing; the stored row stays as written", async () => {
  const bus = new InProcessBus();
  const seen: EventEnvelope[] = [];
  const r = startRelay({
    db, source: "testing", bus, pollMs: 20,
    expanders: {
      Compact: async (envelopes, tx) => {
        const [row] = await tx.query<{ two: number }>("SELECT 2 AS two");
        for (const e of envelopes) e.payload = { ...e.payload, expanded: row!.two };
      },
    },
  });
  running.push(r);
  const c = startConsumer({
    bus, db, group: "health-code.expanded", streams: ["testing"],
    handlers: { Compact: async (e) => void seen.push(e), ResultRecorded: async (e) => void seen.push(e) },
    blockMs: 50, retryBaseMs: 5, retryMaxMs: 20,
  });
  running.push(c);
  await write(2, "Compact");
  await write(1);
  await waitFor("3 events", async () => seen.length === 3);
  expect(seen.filter((e) => e.type === "Compact").map((e) => e.payload)).toEqual([{ n: 0, expanded: 2 }, { n: 1, expanded: 2 }]);
  expect(seen.find((e) => e.type === "ResultRecorded")!.payload).toEqual({ n: 0 });
  const stored = await db.query<{ payload: Record<string, unknown> }>("SELECT payload FROM outbox_event WHERE type = 'Compact' ORDER BY seq");
  expect(stored.map((s) => s.payload)).toEqual([{ n: 0 }, { n: 1 }]);
});

test("appendEvents commits and rolls back with the caller's transaction, and refuses ID numbers", async () => {
  await expect(
    db.transaction(async (tx) => {
      await appendEvents(tx, [{ type: "X", aggregateId: PERSON, payload: {} }]);
      throw new Error("domain write failed");
    }),
  ).rejects.toThrow("domain write failed");
  expect(await db.query("SELECT 1 FROM outbox_event")).toHaveLength(0);
  await expect(db.transaction((tx) => appendEvents(tx, [{ type: "X", aggregateId: "11010519491231002X", payload: {} }]))).rejects.toThrow(/ID number/);
});

test("the same event delivered twice has one effect", async () => {
  const bus = new InProcessBus();
  const c = consume(bus);
  const [e] = await write(1);
  await db.query("UPDATE outbox_event SET published_at = now()"); // published by hand below
  await bus.confirmStorage("testing"); // what a relay does before its first publish
  await bus.publish("testing", [e!, e!]);
  await waitFor("both deliveries handled", () => c.counters().processed + c.counters().duplicates === 2);
  expect(c.counters()).toMatchObject({ processed: 1, duplicates: 1 });
  expect(await effectCounts(db)).toEqual({ rows: 1, distinct: 1, counter: 1 });
});

test("a poison event is dead-lettered after maxAttempts while later events still flow", async () => {
  const bus = new InProcessBus();
  relay(bus);
  const c = consume(bus, {
    maxAttempts: 3,
    handlers: {
      ResultRecorded: async (e, tx) => {
        if (e.payload.poison) throw new Error("cannot apply: tube unknown");
        await recordEffect(e, tx);
      },
    },
  });
  await write(3);
  await write(1, "ResultRecorded", { poison: true });
  await write(4);
  await waitFor("7 effects and 1 dead letter", async () => (await effectCounts(db)).counter === 7 && c.counters().deadLettered === 1);
  expect(c.counters()).toMatchObject({ processed: 7, retries: 2, deadLettered: 1 });
  // The poison event's transaction rolled back: no processed_event row, so a redrive would apply it.
  expect(await db.query("SELECT 1 FROM processed_event")).toHaveLength(7);
  const stats = await eventStats({ bus, outboxes: [{ source: "testing", db }], consumers: [c] });
  expect(stats.streams[0]?.deadLetters[0]).toMatchObject({ group: "health-code.status", count: 1, lastError: expect.stringContaining("tube unknown") });
  const metrics = await renderEventMetrics(stats);
  expect(metrics).toContain('events_dead_letters{stream="testing",group="health-code.status"} 1');
  expect(metrics).not.toContain("tube unknown");
  expect(metrics).not.toContain(PERSON);
});

test("one read's events commit together, each with its own processed_event row; a poison event among them falls back to one at a time", async () => {
  const bus = new InProcessBus();
  const txids: string[] = [];
  const c = consume(bus, {
    maxAttempts: 2,
    handlers: {
      ResultRecorded: async (e, tx) => {
        if (e.payload.poison) throw new Error("cannot apply: tube unknown");
        txids.push((await tx.query<{ x: string }>("SELECT txid_current()::text AS x"))[0]!.x);
        await recordEffect(e, tx);
      },
    },
  });
  const good = await write(3);
  const [poison] = await write(1, "ResultRecorded", { poison: true });
  const rest = await write(2);
  await db.query("UPDATE outbox_event SET published_at = now()");
  await bus.confirmStorage("testing");
  await bus.publish("testing", good);
  await waitFor("3 effects", async () => (await effectCounts(db)).counter === 3);
  // Three events of one read: one transaction.
  expect(new Set(txids).size).toBe(1);
  await bus.publish("testing", [...good.slice(0, 1), poison!, ...rest]);
  await waitFor("5 effects and 1 dead letter", async () => (await effectCounts(db)).counter === 5 && c.counters().deadLettered === 1);
  expect(c.counters()).toMatchObject({ processed: 5, duplicates: 1, deadLettered: 1 });
  expect(await effectCounts(db)).toEqual({ rows: 5, distinct: 5, counter: 5 });
  expect(await db.query("SELECT 1 FROM processed_event")).toHaveLength(5);
});

test("a handler with `many` gets a batch's consecutive events of its type at once, in stream order", async () => {
  const bus = new InProcessBus();
  const calls: number[][] = [];
  const handler = Object.assign(recordEffect.bind(null), {
    many: async (events: EventEnvelope[], tx: Parameters<typeof recordEffect>[1]) => {
      calls.push(events.map((e) => Number(e.payload.n)));
      for (const e of events) await recordEffect(e, tx);
    },
  });
  const c = consume(bus, { handlers: { ResultRecorded: handler } });
  const events = await write(3);
  await db.query("UPDATE outbox_event SET published_at = now()");
  await bus.confirmStorage("testing");
  await bus.publish("testing", [...events, events[0]!]);
  await waitFor("3 effects", async () => c.counters().processed === 3 && c.counters().duplicates === 1);
  expect(calls).toEqual([[0, 1, 2]]);
  expect(await effectCounts(db)).toEqual({ rows: 3, distinct: 3, counter: 3 });
});

test("unknown event types are acknowledged and counted, not dead-lettered", async () => {
  const bus = new InProcessBus();
  relay(bus);
  const c = consume(bus);
  await write(2, "SomethingNew");
  // A catalogued type this group has no handler for is acknowledged too, but is not "unknown".
  await write(1, "TripDeclared");
  await write(1);
  await waitFor("4 handled", () => c.counters().unknownType === 2 && c.counters().processed === 1);
  await waitFor("acks", async () => (await bus.streamStats(["testing"]))[0]?.groups[0]?.pending === 0);
  expect(c.counters().deadLettered).toBe(0);
});

test("writes succeed while the bus is down; the backlog drains when it returns", async () => {
  const inner = new InProcessBus();
  let down = true;
  const flaky: EventBus = Object.assign(Object.create(inner) as InProcessBus, {
    publish: (s: string, es: EventEnvelope[]) => (down ? Promise.reject(new Error("bus unreachable")) : inner.publish(s, es)),
  });
  relay(flaky);
  consume(inner);
  await write(10);
  await waitFor("a failed publish recorded", async () => (await eventStats({ outboxes: [{ source: "testing", db }] })).outboxes[0]!.maxAttempts > 0);
  await write(10);
  const during = (await eventStats({ outboxes: [{ source: "testing", db }] })).outboxes[0]!;
  expect(during).toMatchObject({ unpublished: 20, lastError: expect.stringContaining("bus unreachable") });
  down = false;
  await waitFor("20 effects", async () => (await effectCounts(db)).counter === 20);
  expect((await eventStats({ outboxes: [{ source: "testing", db }] })).outboxes[0]).toMatchObject({ unpublished: 0, oldestAgeSeconds: null });
});

test("a new bus (process restart) gets only what the group lacks republished; effects stay exactly once", async () => {
  const first = new InProcessBus();
  const r1 = relay(first);
  await write(6);
  await waitFor("published to the first bus", async () => (await first.streamStats(["testing"]))[0]?.length === 6);
  const c1 = consume(first);
  await waitFor("3+ effects", async () => (await effectCounts(db)).counter >= 3);
  await Promise.all([r1.stop(), c1.stop()]); // the process "dies"; the first bus is gone with it
  const applied = (await effectCounts(db)).counter;
  const second = new InProcessBus();
  const r2 = relay(second);
  const c2 = consume(second);
  await waitFor("6 effects", async () => (await effectCounts(db)).counter === 6);
  // Republished: the newest event (it shows how far the source got) and the positions below it
  // that the group had not applied, which it asked for; never the events it had applied.
  const twice = async () => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox_event WHERE attempts = 2"))[0]!.n;
  await waitFor("the lacking events republished", async () => (await twice()) === Math.max(1, 6 - applied));
  expect(await effectCounts(db)).toEqual({ rows: 6, distinct: 6, counter: 6 });
  expect(r2.counters()).toMatchObject({ lossesDetected: 1, republished: 1, unrepairable: 0 });
  expect(c2.counters().repairRequests).toBe(applied < 5 ? 1 : 0);
  const positions = await db.query<{ p: string }>("SELECT position::text AS p FROM outbox_event ORDER BY seq");
  expect(positions.map((r) => Number(r.p))).toEqual([1, 2, 3, 4, 5, 6]);
});

test("a dead consumer's pending events are claimed by another", async () => {
  const bus = new InProcessBus();
  relay(bus);
  await write(8);
  const dead = bus.openGroup("health-code.status", "dies-mid-batch", ["testing"]);
  await waitFor("8 read by the doomed consumer", async () => (await dead.read(100, 10)).length > 0 && (await bus.streamStats(["testing"]))[0]?.groups[0]?.pending === 8);
  const c = consume(bus);
  await waitFor("8 effects", async () => (await effectCounts(db)).counter === 8);
  expect(c.counters().claimed).toBe(8);
  expect(await effectCounts(db)).toEqual({ rows: 8, distinct: 8, counter: 8 });
});

test("a database outage during handling is waited out, never dead-lettered", async () => {
  const bus = new InProcessBus();
  relay(bus);
  let down = false;
  const fail = () => Promise.reject(new Error("connection terminated"));
  const flakyDb: SqlDatabase = {
    query: (t, p) => (down ? fail() : db.query(t, p)),
    transaction: (fn) => (down ? fail() : db.transaction(fn)),
  };
  const c = consume(bus, { db: flakyDb, maxAttempts: 2 });
  await write(2);
  await waitFor("2 effects", async () => (await effectCounts(db)).counter === 2);
  down = true;
  await write(3);
  await waitFor("the outage to be hit", async () => (await bus.streamStats(["testing"]))[0]?.groups[0]?.pending! > 0);
  await new Promise((r) => setTimeout(r, 100)); // let it fail several times over
  down = false;
  await waitFor("5 effects", async () => (await effectCounts(db)).counter === 5);
  expect(c.counters()).toMatchObject({ processed: 5, deadLettered: 0 });
});

test("a message that keeps killing its consumers is dead-lettered by delivery count", async () => {
  const bus = new InProcessBus();
  relay(bus);
  await write(1);
  const first = bus.openGroup("health-code.status", "crashes-1", ["testing"]);
  await waitFor("first delivery", async () => (await first.read(10, 10)).length === 1);
  const second = bus.openGroup("health-code.status", "crashes-2", ["testing"]);
  await waitFor("second delivery (a claim)", async () => (await second.claimStale(0, 10)).length === 1);
  let called = 0;
  const c = consume(bus, { maxAttempts: 2, claimIdleMs: 0, handlers: { ResultRecorded: async () => void called++ } });
  await waitFor("dead letter", () => c.counters().deadLettered === 1);
  expect(called).toBe(0);
  expect(bus.deadLetters("testing", "health-code.status")[0]?.error).toMatch(/delivered 3 times/);
});
