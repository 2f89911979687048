// Noticing a bus that came back with older data: a Redis restored from a snapshot, or a replica
// promoted while it lagged, still has the relay's epoch key, so the storage-reset check passes,
// but the newest events the relay had published (and marked so in PostgreSQL) are gone. The
// outbox is the high-water mark: the highest seq marked published must be on the stream. When the
// stream's newest seq is lower, exactly the rows above it are marked unpublished again, so the
// relay republishes what is missing and nothing more (consumers dedupe by event id anyway).
import type { SqlDatabase } from "../db/sql";
import type { EventBus } from "./bus";

export interface HighWaterCheck {
  /** Highest seq marked published in the outbox (null: nothing published yet). */
  published: number | null;
  /** Newest seq on the stream (null: empty; undefined: the bus cannot tell). */
  onStream: number | null | undefined;
  /** Rows marked unpublished again for the relay to republish. */
  republish: number;
}

/** Compares the outbox's high-water mark with the stream's newest seq and re-queues the missing tail. */
export async function repairLostTail(db: SqlDatabase, source: string, bus: EventBus): Promise<HighWaterCheck> {
  if (!bus.lastSeq) return { published: null, onStream: undefined, republish: 0 };
  // The (published_at, seq) index does not serve max(seq) of published rows; the unique seq index
  // read backwards does, stopping at the first published row (the newest are normally published).
  const [row] = await db.query<{ seq: string | null }>(`SELECT max(seq)::text AS seq FROM outbox_event WHERE published_at IS NOT NULL`);
  const published = row?.seq === null || row?.seq === undefined ? null : Number(row.seq);
  if (published === null) return { published, onStream: undefined, republish: 0 };
  const onStream = await bus.lastSeq(source);
  // undefined: the newest entry predates seqs on the stream; nothing can be concluded.
  if (onStream === undefined || (onStream !== null && onStream >= published)) return { published, onStream, republish: 0 };
  const [n] = await db.query<{ n: number }>(
    `WITH lost AS (UPDATE outbox_event SET published_at = NULL WHERE published_at IS NOT NULL AND seq > $1 RETURNING 1)
     SELECT count(*)::int AS n FROM lost`,
    [onStream ?? 0],
  );
  return { published, onStream, republish: n?.n ?? 0 };
}
