// One relay step in one transaction: lock the oldest unpublished rows, publish them, and mark them
// published only if the bus accepted them (else record the attempt and error, and rethrow).
import type { Sql, SqlDatabase } from "../db/sql";
import type { EventBus } from "./bus";
import { errorText } from "./timing";
import type { EventEnvelope } from "./types";
import { expandBatch, type PayloadExpanders } from "./expand";

interface OutboxRow {
  id: string;
  seq: string | number;
  position: string | number | null;
  type: string;
  version: number;
  aggregate_id: string;
  occurred_at: Date | string;
  payload: Record<string, unknown> | string;
}

// Any constant works; it only has to be the same for every relay of a silo's database.
const RELAY_LOCK = 7_301_777;

function toEnvelope(source: string, r: OutboxRow): EventEnvelope {
  return {
    id: r.id,
    type: r.type,
    version: Number(r.version),
    aggregateId: r.aggregate_id,
    occurredAt: new Date(r.occurred_at).toISOString(),
    source,
    seq: Number(r.seq),
    position: Number(r.position),
    payload: typeof r.payload === "string" ? (JSON.parse(r.payload) as Record<string, unknown>) : r.payload,
  };
}

const placeholders = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `$${i + from}::uuid`).join(", ");

async function mark(tx: Sql, ids: string[], error: string | null): Promise<void> {
  const set = error === null ? "published_at = now(), last_error = NULL" : `last_error = $${ids.length + 1}`;
  await tx.query(`UPDATE outbox_event SET ${set}, attempts = attempts + 1 WHERE id IN (${placeholders(ids.length)})`, error === null ? ids : [...ids, error]);
}

/** Publishes up to `limit` of the oldest unpublished rows; returns how many (none if the bus reports a storage reset). */
export async function takeBatch(db: SqlDatabase, source: string, bus: EventBus, limit: number, expanders?: PayloadExpanders): Promise<{ published: number; storageReset: boolean }> {
  let failure: unknown;
  const result = await db.transaction(async (tx) => {
    // One active relay per database at a time keeps publishes in seq order; a second relay is a
    // hot standby. SKIP LOCKED additionally keeps any other locker's rows from being published twice.
    const [lock] = await tx.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock($1) AS ok", [RELAY_LOCK]);
    if (!lock?.ok) return { published: 0, storageReset: false };
    // ORDER BY published_at, seq (published_at is NULL throughout) lets the (published_at, seq)
    // index deliver rows in order; ORDER BY seq alone would sort the whole backlog.
    const rows = await tx.query<OutboxRow>(
      `SELECT id, seq, position, type, version, aggregate_id, occurred_at, payload FROM outbox_event
        WHERE published_at IS NULL ORDER BY published_at, seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    if (rows.length === 0) return { published: 0, storageReset: false };
    const ids = rows.map((r) => r.id);
    await assignPositions(tx, rows);
    // An expander's failure (the database) rolls the batch back like any other: nothing is marked.
    const envelopes = rows.map((r) => toEnvelope(source, r));
    await expandBatch(envelopes, tx, expanders);
    try {
      const ack = await bus.publish(source, envelopes);
      if (ack.storageReset) return { published: 0, storageReset: true };
      await mark(tx, ids, null);
      return { published: rows.length, storageReset: false };
    } catch (err) {
      failure = err;
      await mark(tx, ids, errorText(err));
      return undefined;
    }
  });
  if (failure !== undefined || !result) throw failure ?? new Error("relay batch failed");
  return result;
}

/**
 * Gives rows publishing for the first time the next positions after the highest ever assigned, in
 * seq order (a republished row keeps its own). Runs under the relay lock, so positions are dense;
 * they commit even when the publish fails (the failure is recorded in the same transaction).
 */
async function assignPositions(tx: Sql, rows: OutboxRow[]): Promise<void> {
  const fresh = rows.filter((r) => r.position === null);
  if (fresh.length === 0) return;
  // The unique position index read backwards gives the maximum at once. Retention must keep the
  // newest published row (pruneOutbox does), or numbering would start again.
  const [top] = await tx.query<{ p: string | null }>(`SELECT max(position)::text AS p FROM outbox_event`);
  let next = Number(top?.p ?? 0);
  const params: unknown[] = [];
  const values = fresh.map((r, i) => {
    r.position = ++next;
    params.push(r.id, r.position);
    return `($${i * 2 + 1}::uuid, $${i * 2 + 2}::bigint)`;
  });
  await tx.query(`UPDATE outbox_event o SET position = v.position FROM (VALUES ${values.join(", ")}) AS v(id, position) WHERE o.id = v.id`, params);
}