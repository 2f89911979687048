// A cause behind a status colour.
import type { StatusCause as Cause } from "../generated/prisma/client";
import type { HealthCodeContext } from "../context";
import { HOW_TO_CLEAR } from "../status";

export const StatusCause = {
  __resolveReference: (ref: { id: string }, ctx: HealthCodeContext) => ctx.loaders.cause.load(ref.id),
  howToClear: (c: Cause) => HOW_TO_CLEAR[c.kind],
};
