// A sampling site (采样点); its address is known before anyone is swabbed (seed 001).
import type { SamplingSite as Row } from "../generated/prisma/client";
import type { TestingContext } from "../context";

export const SamplingSite = {
  __resolveReference: (ref: { id: string }, ctx: TestingContext) => ctx.loaders.site.load(ref.id),
  agency: (s: Row, _: unknown, ctx: TestingContext) => ctx.loaders.agency.load(s.agencyId),
};
