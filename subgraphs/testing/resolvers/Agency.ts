// A testing agency (核酸检测机构).
import type { Agency as Row } from "../generated/prisma/client";
import type { TestingContext } from "../context";
import { agencyLoad } from "../registry";

export const Agency = {
  __resolveReference: (ref: { id: string }, ctx: TestingContext) => ctx.loaders.agency.load(ref.id),
  labs: (a: Row) => a.labs ?? [],
  todayLoad: (a: Row, _: unknown, ctx: TestingContext) => agencyLoad(ctx.prisma, a, new Date()),
  sites: (a: Row, _: unknown, ctx: TestingContext) => ctx.loaders.sitesByAgency.load(a.id),
};
