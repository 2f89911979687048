// The appeal's state machine. Each action names the states it may start from and the state it
// leads to; any other start is refused with CONFLICT and nothing is written. Every action,
// including those that keep the state (a recorded step, an escalation), is stored as a row of
// appeal_transition: who (role and pseudonymous id), when, and why.
import { randomUUID } from "node:crypto";
import type { AppealStatus, PrismaClient } from "./generated/prisma/client";
import { fail } from "../../kernel/runtime/errors";

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export const OPEN: AppealStatus[] = ["SUBMITTED", "UNDER_REVIEW", "EVIDENCE_REQUESTED"];

export type Action = "SUBMIT" | "ASSIGN" | "REQUEST_EVIDENCE" | "ADD_EVIDENCE" | "RECORD_COMMUNITY_REPORT" | "RECORD_COMMITMENT_LETTER" | "APPROVE" | "REJECT" | "AUTO_RESOLVE" | "ESCALATE";

/** From which states each action may start, and where it leads (`same` keeps the state). */
export const TRANSITIONS: Record<Exclude<Action, "SUBMIT">, { from: AppealStatus[]; to: AppealStatus | "same" }> = {
  ASSIGN: { from: ["SUBMITTED"], to: "UNDER_REVIEW" },
  REQUEST_EVIDENCE: { from: ["SUBMITTED", "UNDER_REVIEW"], to: "EVIDENCE_REQUESTED" },
  ADD_EVIDENCE: { from: OPEN, to: "same" },
  // Also after approval: the approval waits for the cause's rule, which may still lack a step.
  RECORD_COMMUNITY_REPORT: { from: ["SUBMITTED", "UNDER_REVIEW", "APPROVED"], to: "same" },
  RECORD_COMMITMENT_LETTER: { from: ["SUBMITTED", "UNDER_REVIEW", "APPROVED"], to: "same" },
  APPROVE: { from: ["SUBMITTED", "UNDER_REVIEW"], to: "APPROVED" },
  REJECT: { from: OPEN, to: "REJECTED" },
  AUTO_RESOLVE: { from: OPEN, to: "AUTO_RESOLVED" },
  ESCALATE: { from: OPEN, to: "same" },
};

const WORDS: Record<AppealStatus, string> = {
  SUBMITTED: "waiting for an officer",
  UNDER_REVIEW: "under review",
  EVIDENCE_REQUESTED: "waiting for the evidence the officer asked for",
  APPROVED: "approved",
  REJECTED: "rejected",
  AUTO_RESOLVED: "resolved automatically (the pop-up's cause was cleared)",
};

/** The state `action` leads to from `from`, or CONFLICT (with both states) when it is not allowed. */
export function next(action: Exclude<Action, "SUBMIT">, from: AppealStatus): AppealStatus {
  const t = TRANSITIONS[action];
  if (!t.from.includes(from)) {
    throw fail("CONFLICT", `This appeal is ${WORDS[from]}: ${action.toLowerCase().replace(/_/g, " ")} is not possible now.`, { reason: "TRANSITION_NOT_ALLOWED", status: from, action });
  }
  return t.to === "same" ? from : t.to;
}

export interface Actor { role: string; id?: string | null }

/** Stores one transition row (inside the caller's transaction). */
export async function storeTransition(tx: Tx, appealId: string, action: Action, from: AppealStatus | null, to: AppealStatus, actor: Actor, note?: string | null): Promise<void> {
  await tx.appealTransition.create({ data: { id: randomUUID(), appealId, action, fromStatus: from, toStatus: to, actorRole: actor.role, actorId: actor.id ?? null, note: note ?? null } });
}
