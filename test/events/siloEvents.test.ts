// A silo's event wiring across an embedded restart: the in-process bus starts empty with every
// process, so an event published just before a stop but never consumed must be published again
// at the next start, however old it is, and consumers that already applied it must skip it.
import { PGlite } from "@electric-sql/pglite";
import { pgliteDatabase, type SqlDatabase } from "../../kernel/db/sql";
import { appendEvents, InProcessBus, installEventTables, relayNotifier } from "../../kernel/events";
import { declareGroups, startSiloEvents, type ConsumerGroupSpec } from "../../kernel/runtime/siloEvents";
import { effectCounts, installEffects, recordEffect } from "./helpers/effects";
import { waitFor } from "./helpers/wait";

let producer: SqlDatabase;
let consumer: SqlDatabase;
const pglites: PGlite[] = [];
const GROUPS: ConsumerGroupSpec[] = [{ group: "health-code.medicine-results", streams: ["testing"], handlers: { ResultRecorded: recordEffect } }];

beforeAll(async () => {
  const [a, b] = [new PGlite(), new PGlite()];
  pglites.push(a, b);
  producer = pgliteDatabase(a);
  consumer = pgliteDatabase(b);
  await installEventTables(producer);
  await installEventTables(consumer);
  await installEffects(consumer);
});
afterAll(async () => {
  for (const p of pglites) await p.close();
});

/** One "process": a fresh in-process bus with the producing and the consuming silo on it. */
function boot(withConsumer: boolean) {
  const bus = new InProcessBus();
  declareGroups(bus, GROUPS);
  const testing = startSiloEvents({ silo: "testing", db: producer, bus, groups: [], notifier: relayNotifier() });
  const healthCode = withConsumer ? startSiloEvents({ silo: "health-code", db: consumer, bus, groups: GROUPS, notifier: relayNotifier() }) : undefined;
  return { healthCode, stop: async () => (await Promise.all([testing.stop(), healthCode?.stop()]), await bus.close()) };
}

/** Outbox rows the relay has not published yet. */
const unpublished = async () => (await producer.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL"))[0]!.n;

test("an event published but not consumed before a stop is delivered after the restart, once", async () => {
  const [event] = await producer.transaction((tx) => appendEvents(tx, [{ type: "ResultRecorded", aggregateId: "tube-1", payload: { n: 1 } }]));
  // First run: only the producer is up; the event is published into a bus that then vanishes.
  const first = boot(false);
  await waitFor("the event to be published", async () => (await unpublished()) === 0);
  await first.stop();
  // Make it older than the Redis replay window (24 h): embedded replay must still cover it.
  await producer.query("UPDATE outbox_event SET published_at = now() - interval '3 days', occurred_at = now() - interval '3 days'");

  const second = boot(true);
  await waitFor("the effect after the restart", async () => (await effectCounts(consumer)).rows === 1);
  await second.stop();

  // A third start republishes it again; the consumer skips it as already applied.
  const third = boot(true);
  await waitFor("the replayed event to be skipped as a duplicate", async () =>
    /events_consumer_duplicates_total\{group="health-code.medicine-results"\} 1/.test(await third.healthCode!.metrics()),
  );
  await third.stop();
  expect(await effectCounts(consumer)).toEqual({ rows: 1, distinct: 1, counter: 1 });
  expect(event).toBeDefined();
});

test("a consumer group must be named after its silo", () => {
  const bus = new InProcessBus();
  expect(() => startSiloEvents({ silo: "venues", db: consumer, bus, groups: GROUPS, notifier: relayNotifier() })).toThrow(/venues\.<purpose>/);
});

test("with EVENT_RELAY off a process leaves its silo's outbox to another process of the silo", async () => {
  await producer.query("UPDATE outbox_event SET published_at = now() WHERE published_at IS NULL");
  const before = (await effectCounts(consumer)).rows;
  await producer.transaction((tx) => appendEvents(tx, [{ type: "ResultRecorded", aggregateId: "tube-2", payload: { n: 2 } }]));
  const bus = new InProcessBus();
  declareGroups(bus, GROUPS);
  const notifier = relayNotifier();
  // The serving process: no relay, even when woken.
  const serving = startSiloEvents({ silo: "testing", db: producer, bus, groups: [], notifier, relay: false, pollMs: 20 });
  const healthCode = startSiloEvents({ silo: "health-code", db: consumer, bus, groups: GROUPS, notifier: relayNotifier() });
  notifier.notify();
  await new Promise((r) => setTimeout(r, 300));
  expect(await unpublished()).toBe(1);
  expect((await serving.stats()).relays).toEqual([]);
  // The bulk process of the same silo publishes it, and the consumer applies it once.
  const bulk = startSiloEvents({ silo: "testing", db: producer, bus, groups: [], notifier: relayNotifier(), pollMs: 20 });
  await waitFor("the bulk process's relay to publish", async () => (await unpublished()) === 0);
  await waitFor("the effect", async () => (await effectCounts(consumer)).rows === before + 1);
  await Promise.all([serving.stop(), healthCode.stop(), bulk.stop()]);
  await bus.close();
});
