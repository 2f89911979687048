// appeals' AppealDecided → an approved appeal clears the appealed cause. Ordering: commutes.
// Clearing is monotone (a cleared cause never reopens) and a rejection changes nothing, so the
// order of decisions, or a replay, cannot change the outcome.
import type { EventEnvelope } from "../../../kernel/events";
import type { Sql } from "../../../kernel/db/sql";
import { appendStatusChanged, lockResidents } from "./statusChanged";

interface Payload { causeId: string; personId: string; approved: boolean; decidedAt: string }

export const APPEAL_APPROVED_REASON = "appeal approved";

/** Clears the cause of an approved appeal, if it is still open and is the appellant's. */
export async function onAppealDecided(event: EventEnvelope, tx: Sql): Promise<void> {
  const p = event.payload as unknown as Payload;
  if (p.approved !== true) return;
  if ((await lockResidents(tx, [p.personId])).length === 0) return;
  const cleared = await tx.query(
    `UPDATE status_cause SET cleared_at = $3::timestamp, cleared_reason = $4::text
      WHERE id = $1::text AND person_id = $2::text AND cleared_at IS NULL RETURNING id`,
    [p.causeId, p.personId, p.decidedAt, APPEAL_APPROVED_REASON],
  );
  if (cleared.length > 0) await appendStatusChanged(tx, [p.personId], () => ({ change: "CLEARED", causeId: p.causeId, reason: APPEAL_APPROVED_REASON, actorRole: "COMMUNITY_OFFICER" }));
}
