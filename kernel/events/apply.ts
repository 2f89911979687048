// Exactly-once effects over at-least-once delivery: the processed_event row and the handler's
// effect commit in one transaction, so a redelivered event finds its row and is skipped.
import type { SqlDatabase } from "../db/sql";
import { receiptsOf, recordReceipt } from "./positions";
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

/**
 * applyOnce for several events in one transaction (one processed_event insert, one receipt insert,
 * one commit), handlers run in the given order. Returns, per event, whether it was applied (false:
 * the group had already applied it, or it came twice in the batch). All or nothing: if a handler
 * throws, nothing of the batch commits, and the caller applies the events one at a time.
 */
export async function applyBatchOnce(db: SqlDatabase, group: string, items: ReadonlyArray<{ event: EventEnvelope; handler: EventHandler }>): Promise<boolean[]> {
  return db.transaction(async (tx) => {
    // The processed_event rows and the receipts in one statement (one round trip): the receipt
    // commits with the effect (or with the skip), as in applyOnce.
    const inserted = await tx.query<{ event_id: string }>(
      `WITH receipts AS (
         INSERT INTO event_receipt (consumer, source, position)
         SELECT $1, x->>'s', (x->>'p')::bigint FROM jsonb_array_elements($3::jsonb) x ON CONFLICT DO NOTHING
       )
       INSERT INTO processed_event (consumer, event_id)
       SELECT $1, x::uuid FROM jsonb_array_elements_text($2::jsonb) WITH ORDINALITY AS t(x, n) ORDER BY n
       ON CONFLICT DO NOTHING RETURNING event_id::text AS event_id`,
      [group, JSON.stringify(items.map((i) => i.event.id)), JSON.stringify(receiptsOf(items.map((i) => i.event)).map((e) => ({ s: e.source, p: e.position })))],
    );
    const fresh = new Set(inserted.map((r) => r.event_id.toLowerCase()));
    const applied = items.map((i) => fresh.delete(i.event.id.toLowerCase()));
    const todo = items.filter((_, k) => applied[k]);
    try {
      // Consecutive events of one handler that applies many at once go to it together.
      for (let k = 0; k < todo.length; ) {
        const { handler } = todo[k]!;
        let end = k + 1;
        while (handler.many && end < todo.length && todo[end]!.handler === handler) end++;
        if (end - k > 1) await handler.many!(todo.slice(k, end).map((i) => i.event), tx);
        else await handler(todo[k]!.event, tx);
        k = end;
      }
    } catch (err) {
      throw new HandlerError(err);
    }
    return applied;
  });
}
