// The write side: a silo appends its events to its own outbox table inside the transaction that
// makes the change, so the change and its events commit (or vanish) together.
import { randomUUID } from "node:crypto";
import type { Sql } from "../db/sql";
import type { NewEvent, OutboxEvent } from "./types";

// A mainland resident ID number (GB 11643): 17 digits and a check character. Such a value must
// never become an aggregate id, because aggregate ids travel on the bus and into logs.
const ID_NUMBER_SHAPE = /^\d{17}[\dXx]$/;
const COLUMNS = 6;
/** The channel a committed outbox write notifies. */
export const OUTBOX_CHANNEL = "outbox_event";
// Keeps every INSERT well under PostgreSQL's 65,535 bind parameters.
const ROWS_PER_INSERT = 1000;

function validate(event: NewEvent): void {
  if (!event.type || typeof event.type !== "string") throw new Error("event type must be a non-empty string");
  if (!event.aggregateId) throw new Error(`event ${event.type}: aggregateId must be non-empty`);
  if (ID_NUMBER_SHAPE.test(event.aggregateId)) {
    throw new Error(`event ${event.type}: aggregateId looks like an ID number; use the person's pseudonym`);
  }
  const version = event.version ?? 1;
  if (!Number.isInteger(version) || version < 1) throw new Error(`event ${event.type}: version must be a positive integer`);
}

/** Appends events to the outbox through `tx`, which must be the caller's open transaction; returns them as stored. */
export async function appendEvents(tx: Sql, events: NewEvent[]): Promise<OutboxEvent[]> {
  if (events.length === 0) return [];
  events.forEach(validate);
  const occurredAt = new Date().toISOString();
  const stored: OutboxEvent[] = events.map((e) => ({
    id: randomUUID(),
    type: e.type,
    version: e.version ?? 1,
    aggregateId: e.aggregateId,
    occurredAt,
    payload: e.payload,
  }));
  for (let start = 0; start < stored.length; start += ROWS_PER_INSERT) {
    await insertRows(tx, stored.slice(start, start + ROWS_PER_INSERT));
  }
  // Delivered at commit (and not at all on rollback): wakes every relay of this database that
  // LISTENs, in any process, so relays need not poll (relayWake.ts).
  await tx.query(`NOTIFY ${OUTBOX_CHANNEL}`);
  return stored;
}

async function insertRows(tx: Sql, events: OutboxEvent[]): Promise<void> {
  // Scalar parameters with explicit casts rather than arrays: pg, PGlite and Prisma's raw queries
  // all bind these the same way.
  const params: unknown[] = [];
  const rows = events.map((e, i) => {
    params.push(e.id, e.type, e.version, e.aggregateId, e.occurredAt, JSON.stringify(e.payload));
    const p = (k: number) => `$${i * COLUMNS + k}`;
    return `(${p(1)}::uuid, ${p(2)}::text, ${p(3)}::int, ${p(4)}::text, ${p(5)}::timestamptz, ${p(6)}::jsonb)`;
  });
  await tx.query(
    `INSERT INTO outbox_event (id, type, version, aggregate_id, occurred_at, payload) VALUES ${rows.join(", ")}`,
    params,
  );
}
