// A sample tube (样本管): one person, five, or ten pooled (10 合 1).
import type { SampleTube as Row } from "../generated/prisma/client";
import type { TestingContext } from "../context";
import { tubeState } from "../custody";

export const SampleTube = {
  __resolveReference: (ref: { id: string }, ctx: TestingContext) => ctx.loaders.tube.load(ref.id),
  // RESULTED is derived from the result (custody.ts); rows stored RESULTED before need no read.
  status: async (t: Row, _: unknown, ctx: TestingContext) => (t.status === "RESULTED" ? t.status : tubeState(t.status, (await ctx.loaders.resultByTube.load(t.id)) !== null)),
  box: (t: Row, _: unknown, ctx: TestingContext) => ctx.loaders.box.load(t.boxId),
  swabs: (t: Row, _: unknown, ctx: TestingContext) => ctx.loaders.swabsByTube.load(t.id),
  result: (t: Row, _: unknown, ctx: TestingContext) => ctx.loaders.resultByTube.load(t.id),
  // The box's steps and the tube's own, then the result as the last step (the result row is its record).
  custody: async (t: Row, _: unknown, ctx: TestingContext) => {
    const [steps, result] = await Promise.all([ctx.loaders.custodyByBox.load(t.boxId), ctx.loaders.resultByTube.load(t.id)]);
    const own = steps.filter((s) => s.tubeId === null || s.tubeId === t.id);
    if (!result) return own;
    return [...own, { step: "RESULTED", at: result.recordedAt, actorRole: "LAB", actorId: result.recordedBy, detail: result.outcome, tubeId: t.id }];
  },
};

export const CustodyStep = {
  tube: (s: { tubeId: string | null }, _: unknown, ctx: TestingContext) => (s.tubeId ? ctx.loaders.tube.load(s.tubeId) : null),
};
