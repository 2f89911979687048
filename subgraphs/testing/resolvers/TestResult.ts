// A lab's result for one tube; for a pooled tube it stands for everyone in it.
import type { TestResult as Row } from "../generated/prisma/client";
import type { TestingContext } from "../context";

export const TestResult = {
  __resolveReference: (ref: { id: string }, ctx: TestingContext) => ctx.loaders.result.load(ref.id),
  tube: (r: Row, _: unknown, ctx: TestingContext) => ctx.loaders.tube.load(r.tubeId),
  agency: (r: Row, _: unknown, ctx: TestingContext) => ctx.loaders.agency.load(r.agencyId),
};
