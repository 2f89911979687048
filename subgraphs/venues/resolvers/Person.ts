// Person as the venues silo knows it: the check-ins keyed by the person's pseudonymous id.
import type { VenuesContext } from "../context";
import { fail } from "../../../kernel/runtime/errors";
import { clampLast } from "../loaders";

type PersonRef = { id: string };

export const Person = {
  __resolveReference: (ref: PersonRef) => ({ id: ref.id }),
  checkIns: async (p: PersonRef, args: { last: number }, ctx: VenuesContext) => {
    const { role, subject } = ctx.viewer;
    if (subject !== p.id && role !== "EPIDEMIOLOGIST" && role !== "AUDITOR") {
      throw fail("FORBIDDEN", "You may list only your own check-ins.");
    }
    return (await ctx.loaders.personCheckIns.load(p.id)).slice(0, clampLast(args.last));
  },
};
