// AppealDecided: a community officer approved or rejected an appeal. Appended in the deciding
// transaction; health-code clears the cause when approved. Ids only, never the reason or note.
import type { NewEvent } from "../../../kernel/events";
import type { Appeal } from "../generated/prisma/client";

/** The AppealDecided v1 event of a decided appeal. */
export function appealDecided(appeal: Appeal, approved: boolean, decidedAt: Date): NewEvent {
  return {
    type: "AppealDecided",
    aggregateId: appeal.personId,
    payload: { appealId: appeal.id, causeId: appeal.causeId, personId: appeal.personId, approved, decidedAt: decidedAt.toISOString() },
  };
}
