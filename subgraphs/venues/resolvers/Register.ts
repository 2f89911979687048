// A venue register (登记簿): the QR code a registrar shows or prints, and who scanned it.
import type { Register as RegisterRow } from "../generated/prisma/client";
import type { VenuesContext } from "../context";

/**
 * Who may see a register's visitors: its own registrar, a community officer of the venue's
 * community, an epidemiologist or an auditor.
 */
export async function mayListVisitors(r: RegisterRow, ctx: VenuesContext): Promise<boolean> {
  const { role, subject, community } = ctx.viewer;
  if (role === "EPIDEMIOLOGIST" || role === "AUDITOR") return true;
  if (role === "REGISTRAR") return subject !== undefined && subject === r.registrarId;
  if (role === "COMMUNITY_OFFICER") {
    if (!community) return false;
    const venue = await ctx.loaders.venue.load(r.venueId);
    return venue?.community === community;
  }
  return false;
}

export const Register = {
  __resolveReference: (ref: { id: string }, ctx: VenuesContext) => ctx.loaders.register.load(ref.id),
  venue: (r: RegisterRow, _: unknown, ctx: VenuesContext) => ctx.loaders.venue.load(r.venueId),
  // Who may list them: permissions.ts (listsVisitors, which calls mayListVisitors above).
  checkIns: async (r: RegisterRow, args: { last: number }, ctx: VenuesContext) => ctx.loaders.registerCheckIns(args.last).load(r.id),
};
