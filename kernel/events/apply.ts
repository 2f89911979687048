// Exactly-once effects over at-least-once delivery: the processed_event row and the handler's
// effect commit in one transaction, so a redelivered event finds its row and is skipped.
import type { SqlDatabase } from "../db/sql";
import { recordReceipt } from "./positions";
import type { EventEnvelope, EventHandler } from "./types";

/** Wraps an error thrown by a handler, so its own message (not the wrapper's) goes to the dead letter. */
export class HandlerError extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "HandlerError";
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a canonical uuid (anything else would fail the processed_event insert forever). */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/** Applies the event once for `group` and records its position; returns false (applying nothing) if the group already applied it. */
export async function applyOnce(db: SqlDatabase, group: string, event: EventEnvelope, handler: EventHandler): Promise<boolean> {
  return db.transaction(async (tx) => {
    // A concurrent duplicate (claimed from a consumer that is still working on it) blocks here on
    // the primary key until the first transaction ends, then finds the row and skips.
    const inserted = await tx.query(
      `INSERT INTO processed_event (consumer, event_id) VALUES ($1, $2::uuid) ON CONFLICT DO NOTHING RETURNING event_id`,
      [group, event.id],
    );
    // The receipt commits with the effect (or with the skip), so the group's position never runs ahead of it.
    await recordReceipt(tx, group, event.source, event.position);
    if (inserted.length === 0) return false;
    try {
      await handler(event, tx);
    } catch (err) {
      throw new HandlerError(err);
    }
    return true;
  });
}
