// A venue register (登记簿): the QR code a registrar shows or prints, and who scanned it.
import type { Register as RegisterRow } from "../generated/prisma/client";
import type { VenuesContext } from "../context";
import { recordTrailRead } from "../trailAudit";
import { SUSPENDED_ABNORMAL } from "../registrarStatus";
import { verifyRegisterCode } from "../qr/registerCode";
import { qrPngDataUrl, qrSvg } from "../qr/images";

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

/**
 * Only the register's own registrar holds its code: anyone else could print a copy and collect
 * visits. The applicant's resident token counts too (they apply before holding a registrar token).
 */
export const ownsRegister = (r: RegisterRow, ctx: VenuesContext): boolean =>
  (ctx.viewer.role === "REGISTRAR" || ctx.viewer.role === "RESIDENT") && ctx.viewer.subject !== undefined && ctx.viewer.subject === r.registrarId;

/** A suspension as resolved: its owner is the register's registrar. */
export interface SuspensionParent { kind: "REGISTRAR_STATUS" | "OFFICER"; reason: string; at: Date | null; personId: string; venueId: string }

/**
 * Whether the viewer may learn why a register is suspended (a registrar's status suspension tells
 * their health): the registrar, the venue's community officers and oversight, as for a status.
 */
export async function maySeeSuspension(s: SuspensionParent, ctx: VenuesContext): Promise<boolean> {
  const { role, subject, community } = ctx.viewer;
  if (subject !== undefined && subject === s.personId) return true;
  if (role === "EPIDEMIOLOGIST" || role === "AUDITOR") return true;
  if (role !== "COMMUNITY_OFFICER" || !community) return false;
  return (await ctx.loaders.venue.load(s.venueId))?.community === community;
}

export const Register = {
  __resolveReference: (ref: { id: string }, ctx: VenuesContext) => ctx.loaders.register.load(ref.id),
  code: (r: RegisterRow) => (r.status === "DELETED" ? null : r.code),
  qr: async (r: RegisterRow, _: unknown, ctx: VenuesContext) => {
    if (r.status === "DELETED") return null;
    const { expiresAt } = await verifyRegisterCode(ctx.services.keys, r.code).catch(() => ({ expiresAt: new Date(0) }));
    return { payload: r.code, expiresAt, svg: () => qrSvg(r.code), png: () => qrPngDataUrl(r.code) };
  },
  // The reason describes the register's registrar: its owner (personId) for the @pii policy, and
  // the venue for the officer's community scope (see server.ts).
  suspension: (r: RegisterRow): SuspensionParent | null =>
    r.status !== "SUSPENDED" ? null : { kind: r.suspendedBy === null && r.suspendedReason === SUSPENDED_ABNORMAL ? "REGISTRAR_STATUS" : "OFFICER", reason: r.suspendedReason ?? "", at: r.suspendedAt, personId: r.registrarId, venueId: r.venueId },
  venue: (r: RegisterRow, _: unknown, ctx: VenuesContext) => ctx.loaders.venue.load(r.venueId),
  // Who may list them: permissions.ts (listsVisitors, which calls mayListVisitors above).
  // Officers' and oversight's lists are audited per visitor; the register's own registrar's are
  // audited where they read who a visitor is (health-code's masked identity).
  checkIns: async (r: RegisterRow, args: { last: number }, ctx: VenuesContext) => {
    const rows = await ctx.loaders.registerCheckIns(args.last).load(r.id);
    if (ctx.viewer.role !== "REGISTRAR") await recordTrailRead(ctx, new Set(rows.map((c) => c.personId)), "Register.checkIns");
    return rows;
  },
};
