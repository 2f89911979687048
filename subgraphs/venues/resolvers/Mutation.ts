// Mutations of the venues silo: check-ins, registrars opening and deleting registers, and
// epidemiologists reporting risk points.
import { randomBytes } from "node:crypto";
import type { VenuesContext } from "../context";
import { fail } from "../../../kernel/runtime/errors";
import { assertRegistrarGreen } from "../registrarStatus";
import { reportRiskPoint, type RiskPointInput } from "../riskPoints";

const LABEL_MAX = 40;

function requireRegistrar(ctx: VenuesContext): string {
  const { role, subject } = ctx.viewer;
  if (role !== "REGISTRAR" || !subject) throw fail("FORBIDDEN", "Only a registrar may manage registers: sign in as a registrar.");
  return subject;
}

export const Mutation = {
  /**
   * Records a visit. Every scan is a visit, so scanning again (or a client retrying) records
   * another check-in on purpose: a repeat visit must never be lost from contact tracing, and
   * a duplicate only adds a visit at nearly the same time.
   */
  checkIn: async (_: unknown, args: { registerCode: string }, ctx: VenuesContext) => {
    const personId = ctx.viewer.subject;
    if (!personId) throw fail("FORBIDDEN", "Checking in needs a person's token: this token belongs to no person.");
    const register = await ctx.prisma.register.findUnique({ where: { code: args.registerCode.trim() } });
    if (!register) throw fail("NOT_FOUND", "No register has this QR code.");
    if (register.status === "SUSPENDED") throw fail("CONFLICT", "This register is suspended: ask the venue for another QR code.");
    if (register.status === "DELETED") throw fail("CONFLICT", "This register was deleted: ask the venue for its current QR code.");
    ctx.loaders.register.prime(register.id, register);
    return ctx.prisma.checkIn.create({ data: { registerId: register.id, personId } });
  },

  createRegister: async (_: unknown, args: { venueId: string; label: string }, ctx: VenuesContext) => {
    const registrarId = requireRegistrar(ctx);
    const label = args.label.trim();
    const length = Array.from(label).length;
    if (length < 1 || length > LABEL_MAX) throw fail("BAD_USER_INPUT", `A register's label must be 1 to ${LABEL_MAX} characters long.`);
    const { venueIds } = ctx.viewer;
    if (venueIds && !venueIds.includes(args.venueId)) throw fail("FORBIDDEN", "You may open registers only for the venues you are registrar of.");
    const venue = await ctx.loaders.venue.load(args.venueId);
    if (!venue) throw fail("NOT_FOUND", "No venue has this id.");
    return ctx.prisma.$transaction(async (tx) => {
      await assertRegistrarGreen(tx, registrarId);
      return tx.register.create({ data: { venueId: venue.id, registrarId, label, code: `QR-${randomBytes(16).toString("base64url")}` } });
    });
  },

  /** Idempotent: deleting a deleted register returns it unchanged. */
  deleteRegister: async (_: unknown, args: { id: string }, ctx: VenuesContext) => {
    const registrarId = requireRegistrar(ctx);
    const register = await ctx.loaders.register.load(args.id);
    if (!register) throw fail("NOT_FOUND", "No register has this id.");
    if (register.registrarId !== registrarId) throw fail("FORBIDDEN", "You may delete only your own registers.");
    if (register.status === "DELETED") return register;
    const deleted = await ctx.prisma.register.update({ where: { id: register.id }, data: { status: "DELETED" } });
    ctx.loaders.register.clear(deleted.id).prime(deleted.id, deleted);
    return deleted;
  },

  /** Role and window are checked in riskPoints.ts; reporting again emits again (health-code dedupes per window). */
  reportRiskPoint: (_: unknown, args: RiskPointInput, ctx: VenuesContext) => reportRiskPoint(ctx.prisma, ctx.viewer, args, ctx.relay.notify),
};
