// The observable effect the tests' handlers apply: one row per application (deliberately without a
// unique constraint, so a duplicate effect would show up) plus a counter.
import type { Sql } from "../../../kernel/db/sql";
import type { EventEnvelope, EventHandler } from "../../../kernel/events";

/** Creates the effect table and counter. */
export async function installEffects(db: Sql): Promise<void> {
  await db.query(`CREATE TABLE IF NOT EXISTS effect (event_id uuid NOT NULL, aggregate_id text NOT NULL, n int NOT NULL)`);
  await db.query(`CREATE TABLE IF NOT EXISTS effect_counter (name text PRIMARY KEY, value bigint NOT NULL)`);
}

/** A handler recording one effect row and bumping the counter, inside the consumer's transaction. */
export const recordEffect: EventHandler = async (e: EventEnvelope, tx: Sql) => {
  await tx.query(`INSERT INTO effect (event_id, aggregate_id, n) VALUES ($1::uuid, $2, $3)`, [e.id, e.aggregateId, Number(e.payload.n ?? 0)]);
  await tx.query(
    `INSERT INTO effect_counter (name, value) VALUES ('effects', 1) ON CONFLICT (name) DO UPDATE SET value = effect_counter.value + 1`,
  );
};

/** Rows, distinct event ids and the counter, for exactly-once assertions. */
export async function effectCounts(db: Sql): Promise<{ rows: number; distinct: number; counter: number }> {
  const [r] = await db.query<{ rows: number; distinct: number }>(`SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS distinct FROM effect`);
  const [c] = await db.query<{ value: string | number }>(`SELECT value FROM effect_counter WHERE name = 'effects'`);
  return { rows: r?.rows ?? 0, distinct: r?.distinct ?? 0, counter: Number(c?.value ?? 0) };
}
