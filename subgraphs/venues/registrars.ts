// Registrars (登记员) are rows bound to venues, checked here: a token's role says "registrar",
// but only the silo's own registrar table says of which venue.
import type { VenuesContext } from "./context";
import { fail } from "../../kernel/runtime/errors";

/** The signed-in registrar's pseudonymous id, or FORBIDDEN. */
export function requireRegistrar(ctx: VenuesContext): string {
  const { role, subject } = ctx.viewer;
  if (role !== "REGISTRAR" || !subject) throw fail("FORBIDDEN", "Only a registrar may manage registers: sign in as a registrar.");
  return subject;
}

/** True when `personId` is a registrar of `venueId`. */
export async function isRegistrarOf(ctx: VenuesContext, venueId: string, personId: string): Promise<boolean> {
  return (await ctx.prisma.registrar.findUnique({ where: { venueId_personId: { venueId, personId } }, select: { personId: true } })) !== null;
}

/** The signed-in registrar, who must be a registrar of `venueId` (NOT_FOUND for an unknown venue). */
export async function requireRegistrarOf(ctx: VenuesContext, venueId: string): Promise<string> {
  const registrarId = requireRegistrar(ctx);
  const venue = await ctx.loaders.venue.load(venueId);
  if (!venue) throw fail("NOT_FOUND", "No venue has this id.", { field: "venueId" });
  if (!(await isRegistrarOf(ctx, venueId, registrarId))) {
    throw fail("FORBIDDEN", "You are not a registrar of this venue: ask one of its registrars to add you.", { reason: "NOT_REGISTRAR_OF_VENUE" });
  }
  return registrarId;
}
