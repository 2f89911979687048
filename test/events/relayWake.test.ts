// Relays woken by LISTEN/NOTIFY: with the poll set to a minute, an idle relay sends no statement
// at all, and a committed outbox write is still published within moments (only the NOTIFY that
// appendEvents sends at commit can have woken it); a rolled-back write notifies nobody.
// PGlite always; PostgreSQL too when TEST_DATABASE_URL is set.
import { join } from "node:path";
import { openSiloDatabase, type SiloDatabase } from "../../kernel/db/open";
import type { Sql, SqlDatabase } from "../../kernel/db/sql";
import { appendEvents, InProcessBus, outboxWakeUp, startRelay } from "../../kernel/events";
import { createTestDatabase, MODES } from "../support/services";
import { waitFor } from "./helpers/wait";

/** Counts every statement sent through `db`, inside transactions too. */
function counting(db: SqlDatabase): SqlDatabase & { count: number } {
  const wrap = (sql: Sql): Sql => ({
    query: (text, params) => {
      counted.count++;
      return sql.query(text, params);
    },
  });
  const counted = { ...wrap(db), transaction: <T>(fn: (tx: Sql) => Promise<T>) => db.transaction((tx) => fn(wrap(tx))), count: 0 };
  return counted;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(MODES)("relay wake-up by NOTIFY (%s)", (mode) => {
  let db: SiloDatabase;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    let url: string | undefined;
    if (mode === "services") ({ url, drop } = await createTestDatabase("relay_wake"));
    db = await openSiloDatabase({ url, migrationsDir: join(__dirname, "..", "..", "subgraphs", "testing", "prisma", "migrations"), poolSize: 2 });
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  const published = async () => (await db.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NOT NULL"))[0]!.n;

  test("idle: no statements; a commit wakes it at once; a rollback does not", async () => {
    const sql = counting(db.sql);
    const bus = new InProcessBus();
    const wake = await outboxWakeUp(db.listen);
    const relay = startRelay({ db: sql, source: "testing", bus, notify: wake, pollMs: 60_000 });
    try {
      await relay.drainOnce(); // the loop's first drain has run too, once this one is through
      const idleFrom = sql.count;
      await sleep(1_500);
      // At 200 ms polling this was about 30 statements (4 per transaction) in 1.5 s.
      expect(sql.count - idleFrom).toBe(0);

      const before = await published();
      await db.sql.transaction((tx) => appendEvents(tx, [{ type: "Probe", aggregateId: "tube-1", payload: { n: 1 } }]));
      await waitFor("the relay to publish the committed event", async () => (await published()) === before + 1, 5_000);

      await db.sql
        .transaction(async (tx) => {
          await appendEvents(tx, [{ type: "Probe", aggregateId: "tube-2", payload: { n: 2 } }]);
          throw new Error("rolled back");
        })
        .catch(() => undefined);
      const afterRollback = sql.count;
      await sleep(1_000);
      expect(sql.count - afterRollback).toBe(0);
      expect(await published()).toBe(before + 1);
    } finally {
      await relay.stop();
      await wake.close();
      await bus.close();
    }
  }, 30_000);
});
