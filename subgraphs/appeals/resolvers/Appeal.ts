// A pop-up appeal (弹窗纠错): the appellant, the health-code cause appealed, evidence, the
// workflow's state and history, the SLA, and what the appeal still waits for.
import type { Appeal as AppealRow } from "../generated/prisma/client";
import type { AppealsContext } from "../context";
import { fail } from "../../../kernel/runtime/errors";
import type { Viewer } from "../../../kernel/auth/viewer";
import { OPEN } from "../workflow";
import { dueAt, isOverdue } from "../sla";

/** True when the viewer is an officer of the appeal's community, or a district officer of its district and it was escalated. */
export function officerOf(a: Pick<AppealRow, "community" | "district" | "escalatedAt">, viewer: Viewer): boolean {
  if (viewer.role !== "COMMUNITY_OFFICER") return false;
  if (viewer.community !== undefined && viewer.community === a.community) return true;
  const district = viewer.scopes?.find((s) => s.startsWith("district:"))?.slice("district:".length);
  return !!district && a.district === district && a.escalatedAt !== null;
}

/** Who may read an appeal: the appellant or the guardian who filed it, its officers (officerOf), an epidemiologist or an auditor. */
export function mayReadAppeal(a: AppealRow, ctx: AppealsContext): boolean {
  const { role, subject } = ctx.viewer;
  if (subject !== undefined && (subject === a.personId || subject === a.filedBy)) return true;
  if (role === "EPIDEMIOLOGIST" || role === "AUDITOR") return true;
  return officerOf(a, ctx.viewer);
}

/** Returns the appeal when the viewer may read it (null stays null); FORBIDDEN otherwise. */
export function readable(a: AppealRow | null, ctx: AppealsContext): AppealRow | null {
  if (a && !mayReadAppeal(a, ctx)) throw fail("FORBIDDEN", "Only the appellant, an officer of the appeal's community, an epidemiologist or an auditor may see this appeal.");
  return a;
}

/** What an appeal still waits for, in the appellant's terms. */
export function missing(a: AppealRow): string[] {
  switch (a.status) {
    case "SUBMITTED":
      return ["An officer of your community to take the appeal."];
    case "UNDER_REVIEW":
      return ["Your community officer's decision."];
    case "EVIDENCE_REQUESTED":
      return ["The evidence your community officer asked for (see evidenceRequest): add it with addAppealEvidence."];
    case "APPROVED":
      return ["Nothing from the appeal: your pop-up clears once its rule is met (see cause.progress)."];
    default:
      return [];
  }
}

// Children carry their appeal's owner, filer and community: their texts are the appellant's,
// disclosed per the same scope as the appeal's reason (scope.ts).
const owned = (a: AppealRow) => ({ personId: a.personId, filedBy: a.filedBy, community: a.community, district: a.district, escalatedAt: a.escalatedAt });

export const Appeal = {
  __resolveReference: async (ref: { id: string }, ctx: AppealsContext) => readable(await ctx.loaders.appeal.load(ref.id), ctx),
  person: (a: AppealRow) => ({ id: a.personId }),
  cause: (a: AppealRow) => ({ id: a.causeId }),
  filedByGuardian: (a: AppealRow) => a.filedBy !== null,
  dueAt: (a: AppealRow, _: unknown, ctx: AppealsContext) => dueAt(a, ctx.config.slaHours),
  overdue: (a: AppealRow, _: unknown, ctx: AppealsContext) => isOverdue(a, ctx.config.slaHours, new Date()),
  assigned: (a: AppealRow) => a.assignedTo !== null,
  communityReportRecorded: (a: AppealRow) => a.communityReportAt !== null,
  commitmentLetterRecorded: (a: AppealRow) => a.commitmentLetterAt !== null,
  missing: (a: AppealRow) => (OPEN.includes(a.status) || a.status === "APPROVED" ? missing(a) : []),
  evidence: async (a: AppealRow, _: unknown, ctx: AppealsContext) => (await ctx.loaders.evidence.load(a.id)).map((e) => ({ ...e, ...owned(a) })),
  attachments: async (a: AppealRow, _: unknown, ctx: AppealsContext) => (await ctx.loaders.attachments.load(a.id)).map((f) => ({ ...f, ...owned(a) })),
  history: async (a: AppealRow, _: unknown, ctx: AppealsContext) =>
    (await ctx.loaders.transitions.load(a.id)).map((t) => ({ action: t.action, from: t.fromStatus, to: t.toStatus, actorRole: t.actorRole, at: t.at, note: t.note, ...owned(a) })),
};
