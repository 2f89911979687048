// The agency's orphan queue: results whose tube code matched no tube, with candidate tubes.
import type { OrphanResult as Row } from "../generated/prisma/client";
import type { TestingContext } from "../context";
import { boundLabAgency } from "../access";
import { candidatesFor, type Candidate } from "../orphans";

/** Orphans of the lab's agency, candidates computed for all of them in one statement. */
export async function orphanResults(_: unknown, args: { resolved: boolean; first: number }, ctx: TestingContext) {
  const agencyId = await boundLabAgency(ctx);
  const rows = await ctx.prisma.orphanResult.findMany({
    where: { agencyId, resolvedAt: args.resolved ? { not: null } : null },
    orderBy: [{ uploadedAt: "asc" }, { id: "asc" }],
    take: Math.min(200, Math.max(1, Math.trunc(args.first))),
  });
  const open = rows.filter((r) => r.resolvedAt === null).map((r) => r.tubeCode);
  const candidates = await candidatesFor(ctx.prisma, agencyId, open);
  return rows.map((r) => ({ ...r, candidates: candidates.get(r.tubeCode) ?? [] }));
}

export const OrphanResult = {
  resolvedTube: (o: Row, _: unknown, ctx: TestingContext) => (o.resolvedTubeId ? ctx.loaders.tube.load(o.resolvedTubeId) : null),
};

export const OrphanCandidate = {
  tube: (c: Candidate, _: unknown, ctx: TestingContext) => ctx.loaders.tube.load(c.tubeId),
};
