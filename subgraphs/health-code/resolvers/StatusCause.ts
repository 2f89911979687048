// A cause behind a status colour, with its kind's configured rule and the person's progress on it.
import type { StatusCause as Cause } from "../generated/prisma/client";
import type { HealthCodeContext } from "../context";
import { colourOf, rules, type Step } from "../causes/rules";
import { evaluate } from "../causes/progress";

export const StatusCause = {
  __resolveReference: (ref: { id: string }, ctx: HealthCodeContext) => ctx.loaders.cause.load(ref.id),
  howToClear: (c: Cause) => rules()[c.kind].howToClear,
  colour: (c: Cause) => colourOf(c.kind),
  raisedById: (c: Cause) => c.raisedBy,
  progress: async (c: Cause, _: unknown, ctx: HealthCodeContext) => {
    const [tests, steps] = await Promise.all([ctx.loaders.tests.load(c.personId), ctx.loaders.steps.load(c.id)]);
    return evaluate(rules()[c.kind].rule, c.raisedAt, tests, steps.map((s) => s.step as Step), new Date());
  },
};
