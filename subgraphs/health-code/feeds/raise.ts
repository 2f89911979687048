// Raising causes from feeds and declarations: idempotent per (source, person) by a derived cause
// id, inside the caller's transaction, with the history row and StatusChanged written together.
// Returns who got a new cause, so the caller can notify them after the commit.
import type { Sql } from "../../../kernel/db/sql";
import { appendStatusChanged, lockResidents } from "../events/statusChanged";
import type { CauseKind } from "../causes/rules";

export interface FeedCause { personId: string; kind: CauseKind; source: string; detail: string; raisedAt: Date; actorRole: string; actorId?: string }

/** Raises each cause unless one from the same source is already there; returns the raised ones. */
export async function raiseFromFeed(tx: Sql, causes: FeedCause[]): Promise<FeedCause[]> {
  if (causes.length === 0) return [];
  const residents = new Set(await lockResidents(tx, causes.map((c) => c.personId)));
  const raised: FeedCause[] = [];
  const ids = new Map<string, string>();
  for (const c of causes) {
    if (!residents.has(c.personId)) continue;
    const rows = await tx.query<{ id: string }>(
      `INSERT INTO status_cause (id, person_id, kind, detail, raised_at, raised_by_role, raised_by, evidence_ref)
       VALUES (md5($1::text || ':' || $2::text)::uuid::text, $2, $3::"CauseKind", $4, $5::timestamp, $6, $7, $1)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [c.source, c.personId, c.kind, c.detail, c.raisedAt.toISOString(), c.actorRole, c.actorId ?? null],
    );
    if (rows.length > 0) {
      raised.push(c);
      ids.set(c.personId, rows[0]!.id);
    }
  }
  const byPerson = new Map(raised.map((c) => [c.personId, c]));
  await appendStatusChanged(tx, [...byPerson.keys()], (personId) => {
    const c = byPerson.get(personId)!;
    return { change: "RAISED", causeId: ids.get(personId), causeKind: c.kind, reason: c.detail, actorRole: c.actorRole, actorId: c.actorId };
  });
  return raised;
}
