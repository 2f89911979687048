// Noticing a bus that came back with older data: a Redis restored from a snapshot, or a replica
// promoted while it lagged, still has the relay's epoch key, so the storage-reset check passes,
// but the newest events the relay had published (and marked so in PostgreSQL) are gone. Each
// publish moves the bus's high-water key in the same atomic step as its XADDs, so the key always
// matches the stream it sits beside. When it is lower than the highest position marked published,
// exactly the rows above it are re-queued, so the relay republishes what is missing and nothing more.
import type { SqlDatabase } from "../db/sql";
import type { EventBus } from "./bus";

export interface HighWaterCheck {
  /** Highest position marked published in the outbox (null: nothing published yet). */
  published: number | null;
  /** Highest position the bus holds (null: the bus cannot tell). */
  onBus: number | null;
  /** Rows marked unpublished again for the relay to republish. */
  republish: number;
}

/** Compares the outbox's high-water mark with the bus's and re-queues the missing tail. */
export async function repairLostTail(db: SqlDatabase, source: string, bus: EventBus): Promise<HighWaterCheck> {
  if (!bus.highWater) return { published: null, onBus: null, republish: 0 };
  const onBus = await bus.highWater(source);
  // null: nothing positioned was ever published to this bus (or it predates positions): the
  // empty-bus check and the consumers' gap reports cover that case.
  if (onBus === null) return { published: null, onBus, republish: 0 };
  // The unique position index read backwards stops at the first published row.
  const [row] = await db.query<{ p: string | null }>(`SELECT max(position)::text AS p FROM outbox_event WHERE published_at IS NOT NULL`);
  const published = row?.p === null || row?.p === undefined ? null : Number(row.p);
  if (published === null || onBus >= published) return { published, onBus, republish: 0 };
  const [n] = await db.query<{ n: number }>(
    `WITH lost AS (UPDATE outbox_event SET published_at = NULL WHERE published_at IS NOT NULL AND position > $1::bigint RETURNING 1)
     SELECT count(*)::int AS n FROM lost`,
    [onBus],
  );
  return { published, onBus, republish: n?.n ?? 0 };
}
