// Root queries of the testing silo.
import type { TestingContext } from "../context";

/** Results per agency and outcome, counted in the database. */
async function resultCounts(_: unknown, __: unknown, ctx: TestingContext) {
  const groups = await ctx.prisma.testResult.groupBy({ by: ["agencyId", "outcome"], _count: { _all: true } });
  const agencies = await ctx.prisma.agency.findMany({ orderBy: { code: "asc" } });
  return agencies.map((agency) => {
    const count = (outcome: string) => groups.find((g) => g.agencyId === agency.id && g.outcome === outcome)?._count._all ?? 0;
    return { agency, negative: count("NEGATIVE"), positive: count("POSITIVE"), invalid: count("INVALID") };
  });
}

export const Query = {
  agencies: (_: unknown, __: unknown, ctx: TestingContext) => ctx.prisma.agency.findMany({ orderBy: { code: "asc" } }),
  agency: (_: unknown, args: { id: string }, ctx: TestingContext) => ctx.loaders.agency.load(args.id),
  site: (_: unknown, args: { id: string }, ctx: TestingContext) => ctx.loaders.site.load(args.id),
  tube: (_: unknown, args: { code: string }, ctx: TestingContext) => ctx.prisma.sampleTube.findUnique({ where: { code: args.code.trim().toUpperCase() } }),
  resultCounts,
};
