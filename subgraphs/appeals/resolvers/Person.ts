// Person as the appeals silo knows it: the appeals keyed by the person's pseudonymous id.
import type { AppealsContext } from "../context";

type PersonRef = { id: string };

export const Person = {
  __resolveReference: (ref: PersonRef) => ({ id: ref.id }),
  /** The person sees all their appeals, so do epidemiologists and auditors; an officer only those of their community. */
  appeals: async (p: PersonRef, _: unknown, ctx: AppealsContext) => {
    const { role, subject, community } = ctx.viewer;
    const appeals = await ctx.loaders.personAppeals.load(p.id);
    if (subject === p.id || role === "EPIDEMIOLOGIST" || role === "AUDITOR") return appeals;
    // A guardian sees the appeals they filed for this ward.
    if (role === "GUARDIAN") return appeals.filter((a) => a.filedBy === subject);
    // Who may ask is in permissions.ts; an officer's list is narrowed to their community here.
    return role === "COMMUNITY_OFFICER" && community ? appeals.filter((a) => a.community === community) : [];
  },
};
