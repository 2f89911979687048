// A consumer group's applied position per source. Every event handled (applied, skipped as a
// duplicate or unknown type, dead-lettered) leaves a receipt for its position; a periodic fold
// moves the group's applied_through over the contiguous receipts and deletes them. Receipts left
// above applied_through mark holes: positions the source published that the group never handled.
import type { Sql, SqlDatabase } from "../db/sql";

/** One run of missing positions, both ends included. */
export interface Hole {
  from: number;
  to: number;
}

export interface GapCheck {
  /** Every position up to here was handled; null when the group has handled nothing positioned yet. */
  appliedThrough: number | null;
  /** Missing positions below the highest handled one, oldest first. */
  holes: Hole[];
}

// How many receipts one fold reads; more are folded at the next check.
const FOLD_LIMIT = 10_000;

/** Records that `group` handled `position` of `source` (inside the handling transaction when there is one). */
export async function recordReceipt(tx: Sql, group: string, source: string | undefined, position: number | undefined): Promise<void> {
  if (!hasPosition({ source, position })) return;
  await tx.query(`INSERT INTO event_receipt (consumer, source, position) VALUES ($1, $2, $3::bigint) ON CONFLICT DO NOTHING`, [group, source, position]);
}

/** An event that carries a position to record: a source and a safe integer ≥ 1. */
function hasPosition<E extends { source?: string; position?: number }>(e: E): e is E & { source: string; position: number } {
  return !!e.source && typeof e.position === "number" && Number.isSafeInteger(e.position) && e.position >= 1;
}

/** The events that carry a position to record. */
export function receiptsOf<E extends { source?: string; position?: number }>(events: ReadonlyArray<E>): Array<E & { source: string; position: number }> {
  return events.filter(hasPosition);
}

/** Folds contiguous receipts into applied_through and returns what is still missing below the highest receipt. */
export async function checkGaps(db: SqlDatabase, group: string, source: string): Promise<GapCheck> {
  return db.transaction(async (tx) => {
    // The row lock serialises folds of one group's source across its consumers.
    const [row] = await tx.query<{ applied: string }>(
      `SELECT applied_through::text AS applied FROM consumer_position WHERE consumer = $1 AND source = $2 FOR UPDATE`,
      [group, source],
    );
    const receipts = (
      await tx.query<{ p: string }>(
        `SELECT position::text AS p FROM event_receipt WHERE consumer = $1 AND source = $2 AND position > $3::bigint ORDER BY position LIMIT ${FOLD_LIMIT}`,
        [group, source, row ? row.applied : 0],
      )
    ).map((r) => Number(r.p));
    // A group seen for the first time starts tracking at the first position it handled: history
    // from before it existed (or before positions) is not a gap.
    let applied = row ? Number(row.applied) : receipts.length ? receipts[0]! - 1 : null;
    if (applied === null) return { appliedThrough: null, holes: [] };
    const start = applied;
    let i = 0;
    while (i < receipts.length && receipts[i] === applied + 1) applied = receipts[i++]!;
    const holes: Hole[] = [];
    for (let prev = applied; i < receipts.length; prev = receipts[i++]!) {
      if (receipts[i]! > prev + 1) holes.push({ from: prev + 1, to: receipts[i]! - 1 });
    }
    if (!row || applied !== start) {
      await tx.query(
        `INSERT INTO consumer_position (consumer, source, applied_through) VALUES ($1, $2, $3::bigint)
         ON CONFLICT (consumer, source) DO UPDATE SET applied_through = EXCLUDED.applied_through, updated_at = now()`,
        [group, source, applied],
      );
    }
    // Also drops receipts of old positions redelivered after they were folded.
    await tx.query(`DELETE FROM event_receipt WHERE consumer = $1 AND source = $2 AND position <= $3::bigint`, [group, source, applied]);
    return { appliedThrough: applied, holes };
  });
}
