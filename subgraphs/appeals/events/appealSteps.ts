// AppealStepRecorded: an officer recorded the community's report or the signed commitment letter
// in an appeal. Appended in the recording transaction; health-code records it as the cause's
// clearing step, where the clearing rule is evaluated. Ids only, never the document reference.
import type { NewEvent } from "../../../kernel/events";
import type { Appeal } from "../generated/prisma/client";

export type AppealStep = "COMMUNITY_REPORT" | "COMMITMENT_LETTER";

/** The AppealStepRecorded v1 event. */
export function appealStepRecorded(appeal: Appeal, step: AppealStep, recordedBy: string, at: Date): NewEvent {
  return {
    type: "AppealStepRecorded",
    aggregateId: appeal.personId,
    payload: { appealId: appeal.id, causeId: appeal.causeId, personId: appeal.personId, step, recordedBy, recordedAt: at.toISOString() },
  };
}
