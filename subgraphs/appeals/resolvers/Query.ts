// Root queries of the appeals silo.
import type { AppealsContext } from "../context";
import { fail } from "../../../kernel/runtime/errors";
import { prismaSql } from "../../../kernel/db/sql";
import { readable } from "./Appeal";
import { OPEN } from "../workflow";
import { byUrgency } from "../sla";
import { appealFigures } from "../figures";

/** The district a district officer answers for: a COMMUNITY_OFFICER token with a `district:<name>` scope. */
export function districtOf(ctx: AppealsContext): string | undefined {
  if (ctx.viewer.role !== "COMMUNITY_OFFICER") return undefined;
  return ctx.viewer.scopes?.find((s) => s.startsWith("district:"))?.slice("district:".length) || undefined;
}

/** Appeals per community and status, counted in the database; `submitted` counts every open appeal (appealFigures has more). */
async function appealCounts(_: unknown, __: unknown, ctx: AppealsContext) {
  const groups = await ctx.prisma.appeal.groupBy({ by: ["community", "status"], _count: { _all: true }, orderBy: { community: "asc" } });
  const byCommunity = new Map<string, { community: string; submitted: number; approved: number; rejected: number }>();
  for (const g of groups) {
    const row = byCommunity.get(g.community) ?? { community: g.community, submitted: 0, approved: 0, rejected: 0 };
    if (OPEN.includes(g.status)) row.submitted += g._count._all;
    else if (g.status === "APPROVED" || g.status === "REJECTED") row[g.status.toLowerCase() as "approved" | "rejected"] = g._count._all;
    byCommunity.set(g.community, row);
  }
  return [...byCommunity.values()];
}

export const Query = {
  appeal: async (_: unknown, args: { id: string }, ctx: AppealsContext) => readable(await ctx.loaders.appeal.load(args.id), ctx),
  appealsToReview: async (_: unknown, __: unknown, ctx: AppealsContext) => {
    const { role, community } = ctx.viewer;
    if (role !== "COMMUNITY_OFFICER" || !community) throw fail("FORBIDDEN", "Only a community officer with a community reviews appeals.");
    const appeals = byUrgency(await ctx.prisma.appeal.findMany({ where: { community, status: { in: OPEN } } }), ctx.config.slaHours, new Date());
    for (const a of appeals) ctx.loaders.appeal.prime(a.id, a);
    return appeals;
  },
  escalatedAppeals: async (_: unknown, __: unknown, ctx: AppealsContext) => {
    const district = districtOf(ctx);
    if (!district) throw fail("FORBIDDEN", "Only a district officer (a community officer with a district scope) sees escalated appeals.");
    const appeals = await ctx.prisma.appeal.findMany({ where: { district, status: { in: OPEN }, escalatedAt: { not: null } }, orderBy: [{ submittedAt: "asc" }, { id: "asc" }] });
    for (const a of appeals) ctx.loaders.appeal.prime(a.id, a);
    return appeals;
  },
  appealCounts,
  appealFigures: async (_: unknown, __: unknown, ctx: AppealsContext) => {
    const { role } = ctx.viewer;
    const district = districtOf(ctx);
    if (role === "COMMUNITY_OFFICER" && !district) throw fail("FORBIDDEN", "Appeal figures are for district officers (a district scope) and oversight.");
    const rows = await appealFigures(prismaSql(ctx.prisma), new Date(), ctx.config.slaHours, district ?? null);
    // Oversight counts and compares communities without naming them.
    return district ? rows : rows.map((r) => ({ ...r, community: ctx.communityPseudonym(r.community) }));
  },
};
