// The relay's side of repairs: outbox rows re-queued by position (the relay publishes them again,
// keeping their positions), what a request asks for that the outbox no longer has, and retention
// that never breaks the numbering.
import type { SqlDatabase } from "../db/sql";

export interface Requeued {
  from: number;
  to: number;
  /** Rows marked unpublished again. */
  requeued: number;
  /** Positions in the range with no outbox row: pruned (or deleted by hand) before the group applied them. */
  missing: number;
}

const count = async (db: SqlDatabase, text: string, params: unknown[]) => (await db.query<{ n: number }>(text, params))[0]?.n ?? 0;

/** Re-queues the rows at positions from … to (to defaults to the highest assigned); null when the range is empty. */
export async function requeueRange(db: SqlDatabase, from: number, to?: number): Promise<Requeued | null> {
  const [top] = await db.query<{ p: string | null }>(`SELECT max(position)::text AS p FROM outbox_event`);
  const highest = Number(top?.p ?? 0);
  const last = Math.min(to ?? highest, highest);
  const first = Math.max(1, from);
  if (last < first) return null;
  const requeued = await count(
    db,
    `WITH r AS (UPDATE outbox_event SET published_at = NULL
                 WHERE position BETWEEN $1::bigint AND $2::bigint AND published_at IS NOT NULL RETURNING 1)
     SELECT count(*)::int AS n FROM r`,
    [first, last],
  );
  const present = await count(db, `SELECT count(*)::int AS n FROM outbox_event WHERE position BETWEEN $1::bigint AND $2::bigint`, [first, last]);
  return { from: first, to: last, requeued, missing: last - first + 1 - present };
}

/**
 * After the bus lost everything: re-queues only the newest published row. Its position tells every
 * consumer group how far the source had got, so each one asks for exactly the positions it lacks.
 */
export async function requeueNewest(db: SqlDatabase): Promise<number> {
  return count(
    db,
    `WITH r AS (UPDATE outbox_event SET published_at = NULL
                 WHERE position = (SELECT max(position) FROM outbox_event WHERE published_at IS NOT NULL) RETURNING 1)
     SELECT count(*)::int AS n FROM r`,
    [],
  );
}

/**
 * Retention: deletes rows published more than `olderThanMs` ago, except the newest positioned row
 * (the relay numbers on from it). Returns how many were deleted. A group that still lacked a deleted
 * row can no longer be repaired; its request is reported as unrepairable (docs/events.md).
 */
export async function pruneOutbox(db: SqlDatabase, olderThanMs: number): Promise<number> {
  return count(
    db,
    `WITH d AS (DELETE FROM outbox_event
                 WHERE published_at < now() - ($1::double precision * interval '1 millisecond')
                   AND position < (SELECT max(position) FROM outbox_event) RETURNING 1)
     SELECT count(*)::int AS n FROM d`,
    [olderThanMs],
  );
}
