// One visit: a person scanned a register's QR code.
import type { CheckIn as CheckInRow } from "../generated/prisma/client";
import type { VenuesContext } from "../context";
import { fail } from "../../../kernel/runtime/errors";
import { mayListVisitors } from "./Register";

export const CheckIn = {
  /** Readable by whoever may list it: the visitor, or those who may list the register's visitors. */
  __resolveReference: async (ref: { id: string }, ctx: VenuesContext) => {
    const row = await ctx.loaders.checkIn.load(ref.id);
    if (!row) return null;
    const { role, subject } = ctx.viewer;
    if (subject === row.personId || role === "EPIDEMIOLOGIST" || role === "AUDITOR") return row;
    const register = await ctx.loaders.register.load(row.registerId);
    if (register && (await mayListVisitors(register, ctx))) return row;
    throw fail("FORBIDDEN", "You may not see this check-in.");
  },
  register: (c: CheckInRow, _: unknown, ctx: VenuesContext) => ctx.loaders.register.load(c.registerId),
  venue: async (c: CheckInRow, _: unknown, ctx: VenuesContext) => {
    const register = await ctx.loaders.register.load(c.registerId);
    return register ? ctx.loaders.venue.load(register.venueId) : null;
  },
  person: (c: CheckInRow) => ({ id: c.personId }),
};
