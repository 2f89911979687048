// Raising and clearing causes by hand, and recording the steps a clearing rule needs. Each runs
// in one transaction that locks the person's row first (as every change of causes does), checks
// the role against the kind's configuration and the rule against the person's tests, and writes
// the cause, the history row and StatusChanged together, or nothing. A retry returns what the
// first call wrote.
import { fail } from "../../../kernel/runtime/errors";
import { prismaSql } from "../../../kernel/db/sql";
import type { Viewer } from "../../../kernel/auth/viewer";
import type { PrismaClient, StatusCause } from "../generated/prisma/client";
import { appendStatusChanged, lockResidents } from "../events/statusChanged";
import { rules, type CauseKind, type Step } from "./rules";
import { evaluate } from "./progress";
import { text } from "./input";
import { clearApproved } from "./approval";

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export interface RaiseInput { personId: string; kind: CauseKind; detail: string; evidenceRef: string }
export interface ClearInput { causeId: string; reason: string; evidenceRef?: string | null }
export interface StepInput { causeId: string; step: Step; evidenceRef: string }

const rolesText = (roles: readonly string[]) => (roles.length === 0 ? "no one by hand" : roles.join(" or "));

/** Locks the person and checks a community officer's reach; NOT_FOUND for an unknown person. */
async function lockPerson(tx: Tx, personId: string, viewer: Viewer): Promise<void> {
  if ((await lockResidents(prismaSql(tx), [personId])).length === 0) throw fail("NOT_FOUND", "No resident has this id: check the person id.");
  if (viewer.role !== "COMMUNITY_OFFICER") return;
  const resident = await tx.resident.findUnique({ where: { personId }, select: { community: true } });
  if (!viewer.community || resident?.community !== viewer.community) throw fail("FORBIDDEN", "This resident is not in your community: their own community's officer acts for them.");
}

/** Raises a cause (idempotent on person, kind and evidence reference while it is open). */
export async function raiseCause(prisma: PrismaClient, viewer: Viewer, input: RaiseInput): Promise<StatusCause> {
  const config = rules()[input.kind];
  if (!config.raisedBy.includes(viewer.role)) {
    throw fail("FORBIDDEN", `A ${viewer.role} may not raise ${input.kind}: it is raised by ${rolesText(config.raisedBy)}${config.raisedBy.length === 0 ? " (it comes from an event)" : ""}.`);
  }
  const detail = text(input.detail, "detail", 300);
  const evidenceRef = text(input.evidenceRef, "evidenceRef", 120);
  return prisma.$transaction(async (tx) => {
    await lockPerson(tx, input.personId, viewer);
    const same = await tx.statusCause.findFirst({ where: { personId: input.personId, kind: input.kind, evidenceRef, clearedAt: null } });
    if (same) return same;
    const cause = await tx.statusCause.create({
      data: { personId: input.personId, kind: input.kind, detail, evidenceRef, raisedAt: new Date(), raisedByRole: viewer.role, raisedBy: viewer.subject ?? null },
    });
    await appendStatusChanged(prismaSql(tx), [input.personId], () => ({ change: "RAISED", causeId: cause.id, causeKind: cause.kind, reason: detail, actorRole: viewer.role, actorId: viewer.subject }));
    return cause;
  });
}

/** Clears a cause when the viewer's role may and its rule is met (a cleared cause is returned as is). */
export async function clearCause(prisma: PrismaClient, viewer: Viewer, input: ClearInput): Promise<StatusCause> {
  const reason = text(input.reason, "reason", 300);
  const evidenceRef = input.evidenceRef == null ? null : text(input.evidenceRef, "evidenceRef", 120);
  const found = await prisma.statusCause.findUnique({ where: { id: input.causeId } });
  if (!found) throw fail("NOT_FOUND", "No cause has this id: check the cause id.");
  const config = rules()[found.kind];
  if (!config.clearedBy.includes(viewer.role)) {
    throw fail("FORBIDDEN", `A ${viewer.role} may not clear ${found.kind}: it is cleared by ${rolesText(config.clearedBy)}. ${config.howToClear}`);
  }
  return prisma.$transaction(async (tx) => {
    await lockPerson(tx, found.personId, viewer);
    const cause = (await tx.statusCause.findUnique({ where: { id: found.id } }))!;
    if (cause.clearedAt) return cause;
    if (config.rule.type !== "OFFICER_DECISION") {
      const tests = await tx.testRecord.findMany({ where: { personId: cause.personId } });
      const steps = (await tx.clearingStep.findMany({ where: { causeId: cause.id } })).map((s) => s.step as Step);
      const progress = evaluate(config.rule, cause.raisedAt, tests, steps, new Date());
      if (!progress.satisfied) throw fail("CONFLICT", `This ${cause.kind} cause cannot be cleared yet: ${progress.text}`, { reason: "CLEARING_RULE_NOT_MET" });
    }
    const cleared = await tx.statusCause.update({
      where: { id: cause.id },
      data: { clearedAt: new Date(), clearedReason: evidenceRef ? `${reason} (${evidenceRef})` : reason, clearedByRole: viewer.role, clearedBy: viewer.subject ?? null },
    });
    await appendStatusChanged(prismaSql(tx), [cause.personId], () => ({ change: "CLEARED", causeId: cause.id, causeKind: cause.kind, reason, actorRole: viewer.role, actorId: viewer.subject }));
    return cleared;
  });
}

/** Records a step of the cause's clearing rule (the community's report, the commitment letter); idempotent per cause and step. */
export async function recordClearingStep(prisma: PrismaClient, viewer: Viewer, input: StepInput): Promise<StatusCause> {
  const evidenceRef = text(input.evidenceRef, "evidenceRef", 120);
  const found = await prisma.statusCause.findUnique({ where: { id: input.causeId } });
  if (!found) throw fail("NOT_FOUND", "No cause has this id: check the cause id.");
  const rule = rules()[found.kind].rule;
  if (rule.type !== "NEGATIVE_TESTS" || !rule.steps.includes(input.step)) {
    throw fail("BAD_USER_INPUT", `A ${found.kind} cause's clearing rule has no ${input.step} step.`, { reason: "NO_SUCH_STEP" });
  }
  return prisma.$transaction(async (tx) => {
    await lockPerson(tx, found.personId, viewer);
    const cause = (await tx.statusCause.findUnique({ where: { id: found.id } }))!;
    if (cause.clearedAt) throw fail("CONFLICT", "This cause is already cleared: no step is needed.", { reason: "ALREADY_CLEARED" });
    await tx.clearingStep.upsert({
      where: { causeId_step: { causeId: cause.id, step: input.step } },
      create: { causeId: cause.id, step: input.step, evidenceRef, recordedByRole: viewer.role, recordedBy: viewer.subject ?? null },
      update: {},
    });
    // A cause whose appeal was approved clears when this step completes its rule (causes/approval.ts).
    await clearApproved(prismaSql(tx), [cause.personId]);
    return (await tx.statusCause.findUnique({ where: { id: cause.id } }))!;
  });
}
