// AppealDecided: a community officer approved or rejected an appeal. Appended in the deciding
// transaction; health-code records the approval and clears the cause once its rule is met. Ids only, never the reason or note.
import type { NewEvent } from "../../../kernel/events";
import type { Appeal } from "../generated/prisma/client";

/** The AppealDecided v1 event of a decided appeal. */
export function appealDecided(appeal: Appeal, approved: boolean, decidedAt: Date, decidedBy?: string): NewEvent {
  return {
    type: "AppealDecided",
    aggregateId: appeal.personId,
    payload: { appealId: appeal.id, causeId: appeal.causeId, personId: appeal.personId, approved, decidedAt: decidedAt.toISOString(), ...(decidedBy ? { decidedBy } : {}) },
  };
}
