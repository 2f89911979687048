// appeals' AppealStepRecorded → the community's report or the signed commitment letter, recorded
// by an officer in the appeal workflow, becomes the cause's clearing step here, where the rule is
// evaluated; a cause already approved then clears if that completes its rule. Ordering: commutes
// (steps are insert-once, clearing is monotone). A step the cause's rule does not have is ignored.
import type { EventEnvelope } from "../../../kernel/events";
import type { Sql } from "../../../kernel/db/sql";
import { lockResidents } from "./statusChanged";
import { clearApproved, recordStep } from "../causes/approval";
import { rules, type CauseKind, type Step } from "../causes/rules";

interface Payload { appealId: string; causeId: string; personId: string; step: Step; recordedBy?: string }

/** Records the step on the appeal's cause (if open and its rule has the step) and clears it if now met. */
export async function onAppealStepRecorded(event: EventEnvelope, tx: Sql): Promise<void> {
  const p = event.payload as unknown as Payload;
  if ((await lockResidents(tx, [p.personId])).length === 0) return;
  const [cause] = await tx.query<{ kind: CauseKind }>(`SELECT kind::text AS kind FROM status_cause WHERE id = $1::text`, [p.causeId]);
  const rule = cause ? rules()[cause.kind].rule : undefined;
  if (!rule || rule.type !== "NEGATIVE_TESTS" || !rule.steps.includes(p.step)) return;
  if (!(await recordStep(tx, p.causeId, p.personId, p.step, `appeals:${p.appealId}`, p.recordedBy ?? null))) return;
  await clearApproved(tx, [p.personId]);
}
