// A venue (supermarket, market, library...) and its registers.
import type { Venue as VenueRow } from "../generated/prisma/client";
import type { VenuesContext } from "../context";

export const Venue = {
  __resolveReference: (ref: { id: string }, ctx: VenuesContext) => ctx.loaders.venue.load(ref.id),
  /**
   * Registers still in use (ACTIVE or SUSPENDED); deleted ones are gone from the venue's list. A
   * registrar sees their own registers only: another registrar's QR code would let them check
   * people in elsewhere or read that register's visitors' trail.
   */
  registers: async (v: VenueRow, _: unknown, ctx: VenuesContext) => {
    const registers = await ctx.loaders.venueRegisters.load(v.id);
    const { role, subject } = ctx.viewer;
    return role === "REGISTRAR" ? registers.filter((r) => subject !== undefined && r.registrarId === subject) : registers;
  },
};
