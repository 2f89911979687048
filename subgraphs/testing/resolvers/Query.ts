// Root queries of the testing silo.
import type { TestingContext } from "../context";
import { fail } from "../../../kernel/runtime/errors";
import { searchSites, type SiteSearch } from "../registry";
import { orphanResults } from "./OrphanResult";
import { orphanRegistrations } from "./OrphanRegistration";
import { boundLabAgency } from "../access";
import { staffBindings } from "../staff";

/** Results per agency and outcome, counted in the database. */
async function resultCounts(_: unknown, __: unknown, ctx: TestingContext) {
  const groups = await ctx.prisma.testResult.groupBy({ by: ["agencyId", "outcome"], _count: { _all: true } });
  const agencies = await ctx.prisma.agency.findMany({ orderBy: { code: "asc" } });
  return agencies.map((agency) => {
    const count = (outcome: string) => groups.find((g) => g.agencyId === agency.id && g.outcome === outcome)?._count._all ?? 0;
    return { agency, negative: count("NEGATIVE"), positive: count("POSITIVE"), invalid: count("INVALID") };
  });
}

/** Positive tubes recorded on one UTC day, of one agency or district when asked (traceback). */
async function positiveTubes(_: unknown, args: { day: string; agencyId?: string | null; district?: string | null; first: number }, ctx: TestingContext) {
  const from = /^\d{4}-\d{2}-\d{2}$/.test(args.day) ? new Date(`${args.day}T00:00:00Z`) : new Date(NaN);
  if (Number.isNaN(from.getTime())) throw fail("BAD_USER_INPUT", "day is a date in the form 2022-04-09.", { field: "day" });
  const result = { outcome: "POSITIVE" as const, recordedAt: { gte: from, lt: new Date(from.getTime() + 86_400_000) }, ...(args.agencyId ? { agencyId: args.agencyId } : {}) };
  return ctx.prisma.sampleTube.findMany({
    where: { result, ...(args.district ? { box: { site: { district: args.district } } } : {}) },
    orderBy: { code: "asc" },
    take: Math.min(200, Math.max(1, Math.trunc(args.first))),
  });
}

export const Query = {
  agencies: (_: unknown, __: unknown, ctx: TestingContext) => ctx.prisma.agency.findMany({ orderBy: { code: "asc" } }),
  agency: (_: unknown, args: { id: string }, ctx: TestingContext) => ctx.loaders.agency.load(args.id),
  site: (_: unknown, args: { id: string }, ctx: TestingContext) => ctx.loaders.site.load(args.id),
  tube: (_: unknown, args: { code: string }, ctx: TestingContext) => ctx.prisma.sampleTube.findUnique({ where: { code: args.code.trim().toUpperCase() } }),
  box: (_: unknown, args: { code: string }, ctx: TestingContext) => ctx.prisma.transportBox.findUnique({ where: { code: args.code.trim().toUpperCase() } }),
  positiveTubes,
  orphanResults,
  orphanRegistrations,
  campaigns: (_: unknown, args: { first: number }, ctx: TestingContext) =>
    ctx.prisma.campaign.findMany({ orderBy: [{ startsAt: "desc" }, { id: "asc" }], take: Math.min(200, Math.max(1, Math.trunc(args.first))) }),
  sites: (_: unknown, args: SiteSearch, ctx: TestingContext) => searchSites(ctx.prisma, args),
  resultCounts,
  staffBindings: async (_: unknown, args: { includeRevoked: boolean }, ctx: TestingContext) => staffBindings(ctx.prisma, await boundLabAgency(ctx), args.includeRevoked),
};
