// One person swabbed into one tube; the person is resolved by the silos that know them.
import type { Swab as Row } from "../generated/prisma/client";
import type { TestingContext } from "../context";

export const Swab = {
  __resolveReference: (ref: { id: string }, ctx: TestingContext) => ctx.loaders.swab.load(ref.id),
  tube: (s: Row, _: unknown, ctx: TestingContext) => ctx.loaders.tube.load(s.tubeId),
  person: (s: Row) => ({ id: s.personId }),
};
