// Person as the venues silo knows it: the check-ins keyed by the person's pseudonymous id.
import type { VenuesContext } from "../context";
import { recordTrailRead } from "../trailAudit";

type PersonRef = { id: string };

export const Person = {
  __resolveReference: (ref: PersonRef) => ({ id: ref.id }),
  // Own check-ins, or oversight's view (permissions.ts).
  checkIns: async (p: PersonRef, args: { last: number }, ctx: VenuesContext) => {
    const rows = await ctx.loaders.personCheckIns(args.last).load(p.id);
    if (rows.length > 0) await recordTrailRead(ctx, [p.id], "Person.checkIns");
    return rows;
  },
};
