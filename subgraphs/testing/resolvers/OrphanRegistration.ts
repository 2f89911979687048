// The queue of registrations health-code could not match (registrationOrphans.ts) and their resolution.
import type { TestingContext } from "../context";
import { boundLabAgency } from "../access";
import { actorOf } from "../custody";
import { maskPhone } from "../../../kernel/identity";
import { prismaSql } from "../../../kernel/db/sql";
import { purgeScannedNumbers, orphanRegistrations as queue, orphanScope, resolveOrphanRegistration as resolve, type OrphanRow, type RankedCandidate } from "../registrationOrphans";

/** The viewer's part of the queue; a lab's token must be bound to its agency. */
async function scopeOf(ctx: TestingContext) {
  if (ctx.viewer.role === "LAB") return { agencyId: await boundLabAgency(ctx) };
  return orphanScope(ctx.viewer);
}

export async function orphanRegistrations(_: unknown, args: { resolved: boolean; first: number }, ctx: TestingContext) {
  const scope = await scopeOf(ctx);
  // Numbers past their window go before anyone reads the queue (also hourly and on each orphan event).
  await purgeScannedNumbers(prismaSql(ctx.prisma));
  return queue(ctx.prisma, scope, args.resolved, args.first);
}

export async function resolveOrphanRegistration(_: unknown, args: { id: string; personId: string }, ctx: TestingContext) {
  const { orphan, changed } = await resolve(ctx.prisma, ctx.numbers, await scopeOf(ctx), actorOf(ctx.viewer), args.id, args.personId);
  if (changed) ctx.relay.notify();
  return orphan;
}

const swabOf = (o: OrphanRow, ctx: TestingContext) => ctx.loaders.swab.load(o.swabId);

export const OrphanRegistration = {
  tubeCode: async (o: OrphanRow, _: unknown, ctx: TestingContext) => (await ctx.loaders.tube.load(o.tubeId))!.code,
  swabbedAt: async (o: OrphanRow, _: unknown, ctx: TestingContext) => (await swabOf(o, ctx))!.swabbedAt,
  documentType: async (o: OrphanRow, _: unknown, ctx: TestingContext) => (await swabOf(o, ctx))!.documentType,
  documentMasked: async (o: OrphanRow, _: unknown, ctx: TestingContext) => (await swabOf(o, ctx))!.documentMasked,
  phoneMasked: async (o: OrphanRow, _: unknown, ctx: TestingContext) => {
    const phone = (await swabOf(o, ctx))!.phone;
    return phone ? maskPhone(phone) : null;
  },
  outcome: async (o: OrphanRow, _: unknown, ctx: TestingContext) => (await ctx.prisma.testResult.findUnique({ where: { tubeId: o.tubeId } }))?.outcome ?? null,
  state: (o: OrphanRow) => (o.resolvedAt ? "RESOLVED" : o.expiresAt.getTime() <= Date.now() ? "EXPIRED" : o.candidates === null ? "AWAITING_CANDIDATES" : "OPEN"),
  candidates: (o: OrphanRow) => o.candidates ?? [],
  resolvedPerson: (o: OrphanRow) => (o.resolvedPersonId ? { id: o.resolvedPersonId } : null),
};

export const OrphanRegistrationCandidate = {
  person: (c: RankedCandidate) => ({ id: c.personId }),
};
