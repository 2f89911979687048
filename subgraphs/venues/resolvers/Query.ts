// Root queries of the venues silo.
import type { VenuesContext } from "../context";
import { fail } from "../../../kernel/runtime/errors";
import { visitorHistory, type HistoryArgs } from "../history";

export const Query = {
  venue: (_: unknown, args: { id: string }, ctx: VenuesContext) => ctx.loaders.venue.load(args.id),
  myRegisters: async (_: unknown, __: unknown, ctx: VenuesContext) => {
    const { role, subject } = ctx.viewer;
    if (role !== "REGISTRAR" || !subject) throw fail("FORBIDDEN", "Only a registrar has registers: sign in as a registrar.");
    const registers = await ctx.prisma.register.findMany({
      where: { registrarId: subject, status: { not: "DELETED" } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    for (const r of registers) ctx.loaders.register.prime(r.id, r);
    return registers;
  },
  visitorHistory: (_: unknown, args: HistoryArgs, ctx: VenuesContext) => visitorHistory(ctx, args),
  registerCodeKeys: (_: unknown, __: unknown, ctx: VenuesContext) => [JSON.stringify(ctx.services.keys.publicJwk)],
};
