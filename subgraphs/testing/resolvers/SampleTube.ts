// A sample tube (样本管): one person, or up to ten pooled (10 合 1).
import type { SampleTube as Row } from "../generated/prisma/client";
import type { TestingContext } from "../context";

export const SampleTube = {
  __resolveReference: (ref: { id: string }, ctx: TestingContext) => ctx.loaders.tube.load(ref.id),
  box: (t: Row, _: unknown, ctx: TestingContext) => ctx.loaders.box.load(t.boxId),
  swabs: (t: Row, _: unknown, ctx: TestingContext) => ctx.loaders.swabsByTube.load(t.id),
  result: (t: Row, _: unknown, ctx: TestingContext) => ctx.loaders.resultByTube.load(t.id),
};
