// Person as the venues silo knows it: the check-ins keyed by the person's pseudonymous id.
import type { VenuesContext } from "../context";

type PersonRef = { id: string };

export const Person = {
  __resolveReference: (ref: PersonRef) => ({ id: ref.id }),
  // Own check-ins, or oversight's view (permissions.ts).
  checkIns: async (p: PersonRef, args: { last: number }, ctx: VenuesContext) => ctx.loaders.personCheckIns(args.last).load(p.id),
};
