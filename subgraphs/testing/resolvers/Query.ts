// Root queries of the testing silo.
import type { TestingContext } from "../context";

export const Query = {
  agencies: (_: unknown, __: unknown, ctx: TestingContext) => ctx.prisma.agency.findMany({ orderBy: { code: "asc" } }),
  agency: (_: unknown, args: { id: string }, ctx: TestingContext) => ctx.loaders.agency.load(args.id),
  site: (_: unknown, args: { id: string }, ctx: TestingContext) => ctx.loaders.site.load(args.id),
  tube: (_: unknown, args: { code: string }, ctx: TestingContext) => ctx.prisma.sampleTube.findUnique({ where: { code: args.code.trim().toUpperCase() } }),
};
