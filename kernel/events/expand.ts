// Publish-time expansion: an outbox row may hold only what its writer had at hand (ids, outcome,
// time) and be completed from the silo's own tables by its relay, after commit and off the
// writer's transaction. The expanded envelope is what goes on the bus; the row itself is left as
// written, so a republish expands it again from the same tables.
import type { Sql } from "../db/sql";
import type { EventEnvelope } from "./types";

/**
 * Completes the envelopes of one event type, in place, inside the relay's transaction (`tx`):
 * every envelope handed over must leave with the payload and version its consumers read.
 */
export type PayloadExpander = (envelopes: EventEnvelope[], tx: Sql) => Promise<void>;

/** Expanders by event type; rows of other types are published as stored. */
export type PayloadExpanders = Readonly<Record<string, PayloadExpander>>;

/** Runs each type's expander once over that type's envelopes of a batch. */
export async function expandBatch(envelopes: EventEnvelope[], tx: Sql, expanders: PayloadExpanders | undefined): Promise<void> {
  if (!expanders) return;
  const byType = new Map<string, EventEnvelope[]>();
  for (const e of envelopes) {
    if (!Object.hasOwn(expanders, e.type)) continue;
    const list = byType.get(e.type);
    if (list) list.push(e);
    else byType.set(e.type, [e]);
  }
  for (const [type, list] of byType) await expanders[type]!(list, tx);
}
