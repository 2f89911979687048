// Mutations of the appeals silo: a resident (or a guardian, for a ward) files and adds evidence;
// a community officer of the appeal's community moves it through the workflow (workflow.ts).
import { randomUUID } from "node:crypto";
import type { Appeal as AppealRow, AppealReasonCode } from "../generated/prisma/client";
import type { AppealsContext } from "../context";
import { fail } from "../../../kernel/runtime/errors";
import { prismaSql } from "../../../kernel/db/sql";
import { appendEvents, type NewEvent } from "../../../kernel/events";
import { assertOwnOpenCause } from "../causeReplica";
import { appealDecided } from "../events/appealDecided";
import { appealStepRecorded } from "../events/appealSteps";
import { appellant, attachments, contactPhone, evidence, text, type AttachmentInput, type EvidenceInput } from "../filing";
import { officerOf } from "./Appeal";
import { next, OPEN, storeTransition, type Action, type Tx } from "../workflow";

const REASON_MAX = 500;
const COMMUNITY_MAX = 60;
const NOTE_MAX = 500;

interface SubmitAppealInput {
  causeId: string;
  wardId?: string | null;
  community?: string | null;
  reasonCode: AppealReasonCode;
  reason: string;
  evidence: EvidenceInput[];
  attachments: AttachmentInput[];
  contactPhone?: string | null;
}

/** Locks and re-reads an appeal inside `tx`. */
async function locked(tx: Tx, id: string): Promise<AppealRow> {
  await tx.$executeRaw`SELECT id FROM appeal WHERE id = ${id} FOR UPDATE`;
  return tx.appeal.findUniqueOrThrow({ where: { id } });
}

/**
 * The officer's appeal, or FORBIDDEN/NOT_FOUND: only an officer of the appeal's community acts on
 * it, or a district officer of its district once it has been escalated.
 */
async function officersAppeal(ctx: AppealsContext, id: string): Promise<{ appeal: AppealRow; officer: string }> {
  const { role, subject } = ctx.viewer;
  if (role !== "COMMUNITY_OFFICER" || !subject) throw fail("FORBIDDEN", "Only a community officer acts on appeals.");
  const appeal = await ctx.prisma.appeal.findUnique({ where: { id } });
  if (!appeal) throw fail("NOT_FOUND", "No appeal has this id.");
  if (!officerOf(appeal, ctx.viewer)) throw fail("FORBIDDEN", "You may act only on the appeals of your own community (or, as a district officer, on your district's escalated ones).");
  return { appeal, officer: subject };
}

/**
 * Runs one officer action: in a transaction that locks the appeal, checks the transition (CONFLICT
 * when not allowed), writes the change, the transition row and any events, or nothing. `done`
 * says the action's effect is already there (a retry), which returns the appeal unchanged.
 */
async function officerAction(
  ctx: AppealsContext,
  id: string,
  action: Exclude<Action, "SUBMIT">,
  change: (a: AppealRow, at: Date) => { data: Record<string, unknown>; note?: string | null; events?: NewEvent[] },
  done: (a: AppealRow) => boolean = () => false,
): Promise<AppealRow> {
  const { officer } = await officersAppeal(ctx, id);
  let appended = false;
  const out = await ctx.prisma.$transaction(async (tx) => {
    const a = await locked(tx, id);
    if (done(a)) return a;
    const to = next(action, a.status);
    const at = new Date();
    const c = change(a, at);
    const updated = await tx.appeal.update({ where: { id }, data: { ...c.data, status: to } });
    await storeTransition(tx, id, action, a.status, to, { role: "COMMUNITY_OFFICER", id: officer }, c.note);
    if (c.events?.length) {
      await appendEvents(prismaSql(tx), c.events);
      appended = true;
    }
    return updated;
  });
  if (appended) ctx.relay.notify();
  ctx.loaders.appeal.clear(id).prime(id, out);
  return out;
}

/** The appellant's (or their guardian's) open appeal, for adding evidence. */
async function appellantsAppeal(ctx: AppealsContext, id: string): Promise<AppealRow> {
  const subject = ctx.viewer.subject;
  const appeal = await ctx.prisma.appeal.findUnique({ where: { id } });
  if (!appeal || !subject || (appeal.personId !== subject && appeal.filedBy !== subject)) throw fail("NOT_FOUND", "You have no appeal with this id.");
  return appeal;
}

export const Mutation = {
  /**
   * One open appeal per cause. Re-sending the same appeal while it is open returns it unchanged (a
   * retried request never makes a duplicate); a different one is CONFLICT. Written in one
   * transaction under a lock on the cause, after every check, or not at all.
   */
  submitAppeal: async (_: unknown, args: { input: SubmitAppealInput }, ctx: AppealsContext) => {
    const { input } = args;
    const causeId = text(input.causeId, 200, "Say which pop-up you appeal (its cause id).", "causeId");
    const named = input.community == null ? null : text(input.community, COMMUNITY_MAX, `The community must be 1 to ${COMMUNITY_MAX} characters long.`, "community");
    const reason = text(input.reason, REASON_MAX, `The reason must be 1 to ${REASON_MAX} characters long.`, "reason");
    const phone = contactPhone(input.contactPhone);
    const files = attachments(input.attachments ?? []);
    const reasonCode = input.reasonCode ?? "OTHER";
    const appeal = await ctx.prisma.$transaction(async (tx) => {
      const { personId, filedBy } = await appellant(tx, ctx.viewer, input.wardId);
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`appeal-cause:${causeId}`}::text))`;
      const place = await assertOwnOpenCause(tx, personId, causeId);
      const open = await tx.appeal.findFirst({ where: { causeId, status: { in: OPEN } }, orderBy: { submittedAt: "asc" } });
      if (open && open.personId === personId && open.reason === reason && open.reasonCode === reasonCode) return open;
      if (open) throw fail("CONFLICT", "This pop-up already has an open appeal: add evidence to it (addAppealEvidence) instead of filing another.", { reason: "APPEAL_ALREADY_OPEN", field: "causeId" });
      if (named !== null && named !== place.community) {
        throw fail("BAD_USER_INPUT", "An appeal goes to the community on your health-code record; leave the community out (it is taken from the record).", { field: "community" });
      }
      const pieces = await evidence(tx, personId, input.evidence ?? []);
      const created = await tx.appeal.create({
        data: {
          personId, causeId, community: place.community, district: place.district, reason, reasonCode, contactPhone: phone, filedBy,
          evidence: { create: pieces },
          attachments: { create: files.map((f) => ({ ...f, id: randomUUID() })) },
        },
      });
      await storeTransition(tx, created.id, "SUBMIT", null, "SUBMITTED", { role: ctx.viewer.role, id: ctx.viewer.subject });
      return created;
    });
    ctx.loaders.appeal.prime(appeal.id, appeal);
    return appeal;
  },

  /** Adds evidence or attachments to an open appeal; an answer to the officer's request returns it to review. */
  addAppealEvidence: async (_: unknown, args: { input: { id: string; evidence: EvidenceInput[]; attachments: AttachmentInput[] } }, ctx: AppealsContext) => {
    const found = await appellantsAppeal(ctx, args.input.id);
    const files = attachments(args.input.attachments ?? []);
    if ((args.input.evidence ?? []).length + files.length === 0) throw fail("BAD_USER_INPUT", "Add at least one piece of evidence or one attachment.", { field: "evidence" });
    const out = await ctx.prisma.$transaction(async (tx) => {
      const a = await locked(tx, found.id);
      next("ADD_EVIDENCE", a.status);
      const pieces = await evidence(tx, a.personId, args.input.evidence ?? []);
      const to = a.status === "EVIDENCE_REQUESTED" ? "UNDER_REVIEW" : a.status;
      const updated = await tx.appeal.update({
        where: { id: a.id },
        data: { status: to, evidence: { create: pieces }, attachments: { create: files.map((f) => ({ ...f, id: randomUUID() })) } },
      });
      await storeTransition(tx, a.id, "ADD_EVIDENCE", a.status, to, { role: ctx.viewer.role, id: ctx.viewer.subject });
      return updated;
    });
    ctx.loaders.appeal.clear(out.id).prime(out.id, out);
    return out;
  },

  assignAppeal: (_: unknown, args: { id: string }, ctx: AppealsContext) =>
    officerAction(ctx, args.id, "ASSIGN", () => ({ data: { assignedTo: ctx.viewer.subject } }), (a) => a.status === "UNDER_REVIEW" && a.assignedTo === ctx.viewer.subject),

  requestAppealEvidence: (_: unknown, args: { input: { id: string; request: string } }, ctx: AppealsContext) => {
    const request = text(args.input.request, NOTE_MAX, `Say what is missing in 1 to ${NOTE_MAX} characters.`, "request");
    return officerAction(ctx, args.input.id, "REQUEST_EVIDENCE", () => ({ data: { evidenceRequest: request, assignedTo: ctx.viewer.subject }, note: request }),
      (a) => a.status === "EVIDENCE_REQUESTED" && a.evidenceRequest === request);
  },

  recordCommunityReport: (_: unknown, args: { input: { id: string; reference: string } }, ctx: AppealsContext) => {
    const reference = text(args.input.reference, 120, "Give the report's reference (1 to 120 characters).", "reference");
    return officerAction(ctx, args.input.id, "RECORD_COMMUNITY_REPORT", (a, at) => ({
      data: { communityReportAt: at }, note: reference, events: [appealStepRecorded(a, "COMMUNITY_REPORT", ctx.viewer.subject!, at)],
    }), (a) => a.communityReportAt !== null);
  },

  recordCommitmentLetter: (_: unknown, args: { input: { id: string; reference: string } }, ctx: AppealsContext) => {
    const reference = text(args.input.reference, 120, "Give the signed letter's reference (1 to 120 characters).", "reference");
    return officerAction(ctx, args.input.id, "RECORD_COMMITMENT_LETTER", (a, at) => ({
      data: { commitmentLetterAt: at }, note: reference, events: [appealStepRecorded(a, "COMMITMENT_LETTER", ctx.viewer.subject!, at)],
    }), (a) => a.commitmentLetterAt !== null);
  },

  /**
   * Approve or reject. Re-sending the decision the appeal already has returns it unchanged; any
   * other decision of a decided appeal is CONFLICT. Approval is stored and announced; health-code
   * clears the cause once its clearing rule is met (docs/appeals.md). A rejection needs a note.
   */
  decideAppeal: async (_: unknown, args: { input: { id: string; approve: boolean; note?: string | null } }, ctx: AppealsContext) => {
    const { id, approve } = args.input;
    const note = args.input.note == null || args.input.note.trim() === "" ? null : text(args.input.note, NOTE_MAX, `A decision note must be at most ${NOTE_MAX} characters long.`, "note");
    if (!approve && note === null) throw fail("BAD_USER_INPUT", "Say why the appeal is rejected: the appellant reads this note.", { field: "note" });
    const status = approve ? "APPROVED" : "REJECTED";
    return officerAction(ctx, id, approve ? "APPROVE" : "REJECT", (a, at) => ({
      data: { decidedAt: at, decidedBy: ctx.viewer.subject, decisionNote: note, assignedTo: a.assignedTo ?? ctx.viewer.subject },
      note,
      events: [appealDecided(a, approve, at, ctx.viewer.subject)],
    }), (a) => a.status === status);
  },
};
