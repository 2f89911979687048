// A transport box (转运箱) carrying tubes from a site to the lab.
import type { TransportBox as Row } from "../generated/prisma/client";
import type { TestingContext } from "../context";

export const TransportBox = {
  __resolveReference: (ref: { id: string }, ctx: TestingContext) => ctx.loaders.box.load(ref.id),
  site: (b: Row, _: unknown, ctx: TestingContext) => ctx.loaders.site.load(b.siteId),
  tubes: (b: Row, _: unknown, ctx: TestingContext) => ctx.loaders.tubesByBox.load(b.id),
  custody: (b: Row, _: unknown, ctx: TestingContext) => ctx.loaders.custodyByBox.load(b.id),
};
