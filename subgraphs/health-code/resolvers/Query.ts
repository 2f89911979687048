// Root queries of the health-code silo.
import type { HealthCodeContext } from "../context";
import { fail } from "../../../kernel/runtime/errors";
import { toPerson } from "./Person";

export const Query = {
  me: async (_: unknown, __: unknown, ctx: HealthCodeContext) => {
    if (!ctx.viewer.subject) throw fail("FORBIDDEN", "This token belongs to no person: 'me' needs a resident's token.");
    return toPerson(await ctx.loaders.resident.load(ctx.viewer.subject));
  },
  person: async (_: unknown, args: { id: string }, ctx: HealthCodeContext) => {
    if (ctx.viewer.role === "RESIDENT" && ctx.viewer.subject !== args.id) {
      throw fail("FORBIDDEN", "A resident may look up only their own record.");
    }
    return toPerson(await ctx.loaders.resident.load(args.id));
  },
};
