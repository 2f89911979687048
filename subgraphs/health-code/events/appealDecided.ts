// appeals' AppealDecided → an approved appeal is recorded as the cause's APPEAL_APPROVED step, and
// the cause clears when its clearing rule is met (causes/approval.ts): now, or when the missing
// test or step arrives. Ordering: commutes. Steps are insert-once and clearing is monotone, so the
// order of decisions, steps and results, or a replay, ends with the same causes open.
import type { EventEnvelope } from "../../../kernel/events";
import type { Sql } from "../../../kernel/db/sql";
import { lockResidents } from "./statusChanged";
import { APPEAL_APPROVED_STEP, clearApproved, recordStep } from "../causes/approval";

export { APPEAL_APPROVED_REASON } from "../causes/approval";

interface Payload { appealId: string; causeId: string; personId: string; approved: boolean; decidedAt: string; decidedBy?: string }

/** Records the approval of an approved appeal's cause, and clears the cause if its rule is met. */
export async function onAppealDecided(event: EventEnvelope, tx: Sql): Promise<void> {
  const p = event.payload as unknown as Payload;
  if (p.approved !== true) return;
  if ((await lockResidents(tx, [p.personId])).length === 0) return;
  if (!(await recordStep(tx, p.causeId, p.personId, APPEAL_APPROVED_STEP, `appeals:${p.appealId}`, p.decidedBy ?? null))) return;
  await clearApproved(tx, [p.personId]);
}
