// One person swabbed into one tube; the person is resolved by the silos that know them.
import type { Swab as Row } from "../generated/prisma/client";
import type { TestingContext } from "../context";

const byCode = (s: Row) => s.method === "TESTING_CODE";

export const Swab = {
  __resolveReference: (ref: { id: string }, ctx: TestingContext) => ctx.loaders.swab.load(ref.id),
  tube: (s: Row, _: unknown, ctx: TestingContext) => ctx.loaders.tube.load(s.tubeId),
  person: (s: Row) => ({ id: s.personId }),
  documentType: (s: Row) => (byCode(s) ? null : s.documentType),
  documentMasked: (s: Row) => (byCode(s) ? null : s.documentMasked),
  // Set only on a registration's answer (registration.ts); a swab read any other way is not a repeat.
  repeat: (s: Row & { repeat?: boolean }) => s.repeat === true,
};
