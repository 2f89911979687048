// Mutations of the appeals silo: a resident submits an appeal, a community officer decides it.
import type { Appeal as AppealRow, EvidenceKind } from "../generated/prisma/client";
import type { AppealsContext } from "../context";
import { fail } from "../../../kernel/runtime/errors";
import { prismaSql } from "../../../kernel/db/sql";
import { appendEvents } from "../../../kernel/events";
import { assertOwnOpenCause } from "../causeReplica";
import { appealDecided } from "../events/appealDecided";

const REASON_MAX = 500;
const COMMUNITY_MAX = 60;
const REFERENCE_MAX = 500;
const EVIDENCE_MAX = 20;
const NOTE_MAX = 500;

interface SubmitAppealInput {
  causeId: string;
  community?: string | null;
  reason: string;
  evidence: Array<{ kind: EvidenceKind; reference: string }>;
}
interface DecideAppealInput {
  id: string;
  approve: boolean;
  note?: string | null;
}

/** Trims a text and checks its length in characters (not UTF-16 units). */
function text(value: string, max: number, message: string): string {
  const trimmed = value.trim();
  const length = Array.from(trimmed).length;
  if (length < 1 || length > max) throw fail("BAD_USER_INPUT", message);
  return trimmed;
}

export const Mutation = {
  /**
   * One open (SUBMITTED) appeal per person and cause: submitting again while one is open returns
   * the open one unchanged, so a retried request never makes a duplicate. The appeal and its
   * evidence are written in one transaction, under a lock on (person, cause) so two concurrent
   * submissions cannot both create one. A new appeal must name an open cause of the appellant's
   * own, as the cause replica (fed by health-code's events) knows it.
   */
  submitAppeal: async (_: unknown, args: { input: SubmitAppealInput }, ctx: AppealsContext) => {
    const personId = ctx.viewer.subject;
    if (!personId) throw fail("FORBIDDEN", "Appealing needs a person's token: this token belongs to no person.");
    const { input } = args;
    const causeId = text(input.causeId, 200, "Say which pop-up you appeal (its cause id).");
    const named = input.community == null ? null : text(input.community, COMMUNITY_MAX, `The community must be 1 to ${COMMUNITY_MAX} characters long.`);
    const reason = text(input.reason, REASON_MAX, `The reason must be 1 to ${REASON_MAX} characters long.`);
    if (input.evidence.length > EVIDENCE_MAX) throw fail("BAD_USER_INPUT", `An appeal takes at most ${EVIDENCE_MAX} pieces of evidence.`);
    const evidence = input.evidence.map((e) => ({
      kind: e.kind,
      reference: text(e.reference, REFERENCE_MAX, `Every piece of evidence needs a reference of 1 to ${REFERENCE_MAX} characters.`),
    }));
    const appeal = await ctx.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`appeal:${personId}:${causeId}`}::text))`;
      const open = await tx.appeal.findFirst({ where: { personId, causeId, status: "SUBMITTED" }, orderBy: { submittedAt: "asc" } });
      if (open) return open;
      const community = await assertOwnOpenCause(tx, personId, causeId);
      if (named !== null && named !== community) {
        throw fail("BAD_USER_INPUT", "An appeal goes to the community on your health-code record; leave the community out (it is taken from the record).", { field: "community" });
      }
      return tx.appeal.create({ data: { personId, causeId, community, reason, evidence: { create: evidence } } });
    });
    ctx.loaders.appeal.prime(appeal.id, appeal);
    return appeal;
  },

  /** Only a SUBMITTED appeal is decided; re-sending the decision it already has returns it unchanged. */
  decideAppeal: async (_: unknown, args: { input: DecideAppealInput }, ctx: AppealsContext) => {
    const { role, subject, community } = ctx.viewer;
    if (role !== "COMMUNITY_OFFICER" || !community || !subject) throw fail("FORBIDDEN", "Only a community officer decides appeals.");
    const { id, approve } = args.input;
    const note = args.input.note == null || args.input.note.trim() === "" ? null : text(args.input.note, NOTE_MAX, `A decision note must be at most ${NOTE_MAX} characters long.`);
    const status = approve ? "APPROVED" : "REJECTED";
    const settled = (a: AppealRow): AppealRow => {
      if (a.status === status) return a;
      throw fail("CONFLICT", `This appeal has already been ${a.status === "APPROVED" ? "approved" : "rejected"}; a decision cannot be changed.`);
    };
    const appeal = await ctx.prisma.appeal.findUnique({ where: { id } });
    if (!appeal) throw fail("NOT_FOUND", "No appeal has this id.");
    if (appeal.community !== community) throw fail("FORBIDDEN", "You may decide only the appeals of your own community.");
    if (appeal.status !== "SUBMITTED") return settled(appeal);
    // Decide only if still SUBMITTED, so two officers deciding at once cannot overwrite each other;
    // the decision and its AppealDecided event commit together.
    const decidedAt = new Date();
    const count = await ctx.prisma.$transaction(async (tx) => {
      const updated = await tx.appeal.updateMany({
        where: { id, status: "SUBMITTED" },
        data: { status, decidedAt, decidedBy: subject, decisionNote: note },
      });
      if (updated.count === 1) await appendEvents(prismaSql(tx), [appealDecided(appeal, approve, decidedAt)]);
      return updated.count;
    });
    if (count === 1) ctx.relay.notify();
    const decided = await ctx.prisma.appeal.findUniqueOrThrow({ where: { id } });
    ctx.loaders.appeal.clear(id).prime(id, decided);
    return count === 1 ? decided : settled(decided);
  },
};
