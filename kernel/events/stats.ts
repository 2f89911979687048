// The operator's view of the event system: outbox backlogs, stream lengths, group lag and pending,
// dead letters with their last error, and this process's consumer counters. Ids and counts only.
import type { Sql } from "../db/sql";
import type { EventBus, StreamStats } from "./bus";
import type { Consumer, ConsumerCounters } from "./consumer";
import type { RelayCounters } from "./relay";

export interface OutboxStats {
  /** The silo whose outbox this is (its stream's name). */
  source: string;
  unpublished: number;
  /** Age of the oldest unpublished event; null when there is none. */
  oldestAgeSeconds: number | null;
  /** Most publish attempts of any unpublished row (above 0: the relay is failing). */
  maxAttempts: number;
  lastError: string | null;
}

export interface EventStats {
  at: string;
  outboxes: OutboxStats[];
  streams: StreamStats[];
  consumers: Array<{ group: string; name: string } & ConsumerCounters>;
  /** This process's relays: losses of the bus they detected and repaired. */
  relays?: Array<{ source: string } & RelayCounters>;
}

export interface EventStatsOptions {
  /** Each silo's outbox to report on (a silo passes its own). */
  outboxes?: Array<{ source: string; db: Sql }>;
  bus?: EventBus;
  /** Source streams to report on; default the outboxes' sources. */
  streams?: string[];
  /** This process's consumers, for their counters. */
  consumers?: Consumer[];
}

/** Backlog of one silo's outbox: unpublished count, oldest age, and the relay's last error. */
export async function outboxStats(db: Sql, source: string): Promise<OutboxStats> {
  const [row] = await db.query<{ n: number; age: number | null; attempts: number | null }>(
    `SELECT count(*)::int AS n, extract(epoch FROM now() - min(occurred_at))::float8 AS age, max(attempts)::int AS attempts
       FROM outbox_event WHERE published_at IS NULL`,
  );
  const [err] = await db.query<{ last_error: string }>(
    `SELECT last_error FROM outbox_event WHERE published_at IS NULL AND last_error IS NOT NULL ORDER BY published_at, seq LIMIT 1`,
  );
  return {
    source,
    unpublished: row?.n ?? 0,
    oldestAgeSeconds: row?.age === null || row?.age === undefined ? null : Math.max(0, Number(row.age)),
    maxAttempts: row?.attempts ?? 0,
    lastError: err?.last_error ?? null,
  };
}

/** Gathers outbox, stream, group, dead-letter and consumer figures for an operator endpoint. */
export async function eventStats(options: EventStatsOptions): Promise<EventStats> {
  const outboxes = options.outboxes ?? [];
  const streams = options.streams ?? outboxes.map((o) => o.source);
  return {
    at: new Date().toISOString(),
    outboxes: await Promise.all(outboxes.map((o) => outboxStats(o.db, o.source))),
    streams: options.bus ? await options.bus.streamStats(streams) : [],
    consumers: (options.consumers ?? []).map((c) => ({ group: c.group, name: c.name, ...c.counters() })),
  };
}
