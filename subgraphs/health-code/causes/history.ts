// Status history: every change of a person's colour, with when and why, appended in the
// transaction that changed the causes. The colour before is the last recorded one (GREEN when
// the person has no history), so a change that leaves the colour as it was writes nothing.
import { randomUUID } from "node:crypto";
import type { Sql } from "../../../kernel/db/sql";
import type { OpenCause } from "../events/statusChanged";
import { colourOfCauses } from "../status";
import type { CauseKind } from "./rules";

/** Why causes changed: the cause, what happened to it, and who did it (pseudonymous; null for an event). */
export interface Why {
  change: "RAISED" | "CLEARED";
  causeId?: string;
  causeKind?: string;
  reason: string;
  actorRole?: string;
  actorId?: string;
}

/** Appends a status_change row for each person whose colour `open` (their open causes now) changes. */
export async function recordColourChanges(tx: Sql, open: Map<string, OpenCause[]>, why: (personId: string) => Why): Promise<void> {
  if (open.size === 0) return;
  const last = await tx.query<{ person_id: string; to_colour: string }>(
    `SELECT DISTINCT ON (person_id) person_id, to_colour FROM status_change
      WHERE person_id = ANY ($1::text[]) ORDER BY person_id, at DESC, id`,
    [[...open.keys()]],
  );
  const before = new Map(last.map((r) => [r.person_id, r.to_colour]));
  const rows: unknown[] = [];
  for (const [personId, causes] of open) {
    const from = before.get(personId) ?? "GREEN";
    const to = colourOfCauses(causes.map((c) => c.kind as CauseKind));
    if (from === to) continue;
    const w = why(personId);
    rows.push({ id: randomUUID(), personId, from, to, change: w.change, causeId: w.causeId ?? null, causeKind: w.causeKind ?? null, reason: w.reason, actorRole: w.actorRole ?? null, actorId: w.actorId ?? null });
  }
  if (rows.length === 0) return;
  // One statement for all persons: a feed or a seed changes many at once.
  await tx.query(
    `INSERT INTO status_change (id, person_id, at, from_colour, to_colour, change, cause_id, cause_kind, reason, actor_role, actor_id)
     SELECT (r->>'id')::uuid, r->>'personId', clock_timestamp(), r->>'from', r->>'to', r->>'change', r->>'causeId', r->>'causeKind', r->>'reason', r->>'actorRole', r->>'actorId'
       FROM jsonb_array_elements($1::jsonb) r`,
    [JSON.stringify(rows)],
  );
}
