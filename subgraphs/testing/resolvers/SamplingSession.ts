// A sampler's session at their site, and the look-up log auditors read.
import type { SamplingSession as Row, SampleLookup as LookupRow } from "../generated/prisma/client";
import type { TestingContext } from "../context";

export const SamplingSession = {
  site: (s: Row, _: unknown, ctx: TestingContext) => ctx.loaders.site.load(s.siteId),
};

export const SampleLookup = {
  site: (l: LookupRow, _: unknown, ctx: TestingContext) => ctx.loaders.site.load(l.siteId),
};
