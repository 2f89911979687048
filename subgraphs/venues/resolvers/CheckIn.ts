// One visit: a person scanned a register's QR code. Its colour, siren and admission are joined
// at read time from health-code through the graph (@requires person.healthCode.colour).
import type { CheckIn as CheckInRow } from "../checkIns";
import type { VenuesContext } from "../context";
import { fail } from "../../../kernel/runtime/errors";
import { mayListVisitors } from "./Register";
import { recordTrailRead } from "../trailAudit";
import { admittedFor, alertFor, type Colour } from "../../../kernel/venues/admission";

/** A row, with the visitor's colour when the gateway supplied it (null: health-code gave none to this viewer). */
type CheckInParent = CheckInRow & { person?: { healthCode?: { colour?: Colour } | null } };

const colourOf = (c: CheckInParent): Colour | null => c.person?.healthCode?.colour ?? null;

export const CheckIn = {
  /** Readable by whoever may list it: the visitor, or those who may list the register's visitors. */
  __resolveReference: async (ref: { id: string; person?: CheckInParent["person"] }, ctx: VenuesContext) => {
    const row = await ctx.loaders.checkIn.load(ref.id);
    if (!row) return null;
    const withColour: CheckInParent = { ...row, person: ref.person };
    const { role, subject } = ctx.viewer;
    if (subject === row.personId) return withColour;
    if (role === "EPIDEMIOLOGIST" || role === "AUDITOR") {
      await recordTrailRead(ctx, [row.personId], "CheckIn");
      return withColour;
    }
    const register = await ctx.loaders.register.load(row.registerId);
    if (register && (await mayListVisitors(register, ctx))) return withColour;
    throw fail("FORBIDDEN", "You may not see this check-in.");
  },
  register: (c: CheckInRow, _: unknown, ctx: VenuesContext) => ctx.loaders.register.load(c.registerId),
  venue: async (c: CheckInRow, _: unknown, ctx: VenuesContext) => {
    const register = await ctx.loaders.register.load(c.registerId);
    return register ? ctx.loaders.venue.load(register.venueId) : null;
  },
  person: (c: CheckInRow) => ({ id: c.personId }),
  colour: (c: CheckInParent) => colourOf(c),
  /** The siren: any colour but GREEN. Unknown colour (not disclosed to this viewer): null. */
  alert: (c: CheckInParent) => alertFor(colourOf(c)),
  admitted: async (c: CheckInParent, _: unknown, ctx: VenuesContext) => {
    const register = await ctx.loaders.register.load(c.registerId);
    const venue = register ? await ctx.loaders.venue.load(register.venueId) : null;
    return admittedFor(colourOf(c), venue?.kind);
  },
};
