// A testing agency (核酸检测机构).
import type { Agency as Row } from "../generated/prisma/client";
import type { TestingContext } from "../context";

export const Agency = {
  __resolveReference: (ref: { id: string }, ctx: TestingContext) => ctx.loaders.agency.load(ref.id),
  sites: (a: Row, _: unknown, ctx: TestingContext) => ctx.loaders.sitesByAgency.load(a.id),
};
