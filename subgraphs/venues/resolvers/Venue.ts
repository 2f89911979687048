// A venue (supermarket, market, library...) and its registers.
import type { Venue as VenueRow } from "../generated/prisma/client";
import type { VenuesContext } from "../context";

export const Venue = {
  __resolveReference: (ref: { id: string }, ctx: VenuesContext) => ctx.loaders.venue.load(ref.id),
  /** Registers still in use (ACTIVE or SUSPENDED); deleted ones are gone from the venue's list. */
  registers: (v: VenueRow, _: unknown, ctx: VenuesContext) => ctx.loaders.venueRegisters.load(v.id),
};
