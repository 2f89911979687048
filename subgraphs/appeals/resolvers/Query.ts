// Root queries of the appeals silo.
import type { AppealsContext } from "../context";
import { fail } from "../../../kernel/runtime/errors";
import { readable } from "./Appeal";

export const Query = {
  appeal: async (_: unknown, args: { id: string }, ctx: AppealsContext) => readable(await ctx.loaders.appeal.load(args.id), ctx),
  appealsToReview: async (_: unknown, __: unknown, ctx: AppealsContext) => {
    const { role, community } = ctx.viewer;
    if (role !== "COMMUNITY_OFFICER" || !community) throw fail("FORBIDDEN", "Only a community officer with a community reviews appeals.");
    const appeals = await ctx.prisma.appeal.findMany({ where: { community, status: "SUBMITTED" }, orderBy: [{ submittedAt: "asc" }, { id: "asc" }] });
    for (const a of appeals) ctx.loaders.appeal.prime(a.id, a);
    return appeals;
  },
};
