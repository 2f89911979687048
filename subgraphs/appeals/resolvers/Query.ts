// Root queries of the appeals silo.
import type { AppealsContext } from "../context";
import { fail } from "../../../kernel/runtime/errors";
import { readable } from "./Appeal";

/** Appeals per community and status, counted in the database. */
async function appealCounts(_: unknown, __: unknown, ctx: AppealsContext) {
  const groups = await ctx.prisma.appeal.groupBy({ by: ["community", "status"], _count: { _all: true }, orderBy: { community: "asc" } });
  const byCommunity = new Map<string, { community: string; submitted: number; approved: number; rejected: number }>();
  for (const g of groups) {
    const row = byCommunity.get(g.community) ?? { community: g.community, submitted: 0, approved: 0, rejected: 0 };
    row[g.status.toLowerCase() as "submitted" | "approved" | "rejected"] = g._count._all;
    byCommunity.set(g.community, row);
  }
  return [...byCommunity.values()];
}

export const Query = {
  appeal: async (_: unknown, args: { id: string }, ctx: AppealsContext) => readable(await ctx.loaders.appeal.load(args.id), ctx),
  appealsToReview: async (_: unknown, __: unknown, ctx: AppealsContext) => {
    const { role, community } = ctx.viewer;
    if (role !== "COMMUNITY_OFFICER" || !community) throw fail("FORBIDDEN", "Only a community officer with a community reviews appeals.");
    const appeals = await ctx.prisma.appeal.findMany({ where: { community, status: "SUBMITTED" }, orderBy: [{ submittedAt: "asc" }, { id: "asc" }] });
    for (const a of appeals) ctx.loaders.appeal.prime(a.id, a);
    return appeals;
  },
  appealCounts,
};
