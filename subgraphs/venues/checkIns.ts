// A visitor scans a register's QR code: the signed payload is verified (cached per code), the
// register must be the code's current one and in service, then the visit is written and the
// registrar's live feed is woken. The visitor's colour is not needed to write: it is joined at
// read time through the graph (CheckIn.colour/alert/admitted), so it is never stale.
import { randomUUID } from "node:crypto";
import { fail } from "../../kernel/runtime/errors";
import type { CheckIn as CheckInRow, Register } from "./generated/prisma/client";
import type { VenuesContext } from "./context";
import { SUSPENDED_ABNORMAL } from "./registrarStatus";
import { clientKeyOf } from "./clientKeys";

/**
 * Why a suspended register refuses scans, in words the visitor can pass on. A visitor learns
 * neither the registrar's health (a status suspension) nor the officer's text about them.
 */
function suspendedMessage(r: Register): string {
  if (r.suspendedBy === null && r.suspendedReason === SUSPENDED_ABNORMAL) {
    return "This register is out of service for now: ask the venue for another QR code.";
  }
  return "This register was suspended by the community committee: ask the venue for another QR code.";
}

/** Why the register refused the scan (it is missing, deleted, replaced or suspended); `code` null: not a register-code scan. */
export function refusal(register: Register | null, code: string | null) {
  if (!register || register.status === "DELETED") {
    return fail("CONFLICT", "This register was deleted: ask the venue for its current QR code.", { reason: "REGISTER_DELETED" });
  }
  if (code !== null && register.code !== code) return fail("CONFLICT", "This QR code was replaced by a newer one: ask the venue for its current QR code.", { reason: "REGISTER_CODE_REPLACED" });
  return fail("CONFLICT", suspendedMessage(register), { reason: "REGISTER_SUSPENDED" });
}

/** A check-in as the graph reads it: the row without the app's scan id, which only checkIn uses. */
export type CheckIn = Omit<CheckInRow, "scanId">;

type Row = { id: string; registerId: string; personId: string; checkedInAt: Date | string; registrarId: string };

/**
 * Records a visit; every scan is a visit (a repeat must never be lost from contact tracing),
 * except the same scan sent again: with the app's scanId, a second sending answers the check-in
 * the first made (the unique (person, scan_id) index, so two sendings at once make one visit too).
 * One statement both checks the register (current code, in service) and inserts, so a suspension
 * or deletion committed a moment earlier is never slipped past; a scan already recorded is
 * answered as recorded even if the register was suspended since.
 */
export async function checkIn(ctx: VenuesContext, rawCode: string, rawScanId?: string | null): Promise<CheckIn> {
  const personId = ctx.viewer.subject;
  if (!personId) throw fail("FORBIDDEN", "Checking in needs a person's token: this token belongs to no person.");
  const scanId = clientKeyOf(rawScanId, "scanId", "scan", "SCAN_ID_MALFORMED");
  const code = rawCode.trim();
  const claims = await ctx.services.codes.verify(code);
  const [row] = await ctx.prisma.$queryRaw<Row[]>`
    INSERT INTO check_in (id, register_id, person_id, scan_id)
    SELECT ${randomUUID()}, r.id, ${personId}, ${scanId} FROM register r
     WHERE r.id = ${claims.registerId} AND r.status = 'ACTIVE' AND r.code = ${code}
    ON CONFLICT (person_id, scan_id) WHERE scan_id IS NOT NULL DO NOTHING
    RETURNING id, register_id AS "registerId", person_id AS "personId", checked_in_at AS "checkedInAt",
      (SELECT registrar_id FROM register WHERE id = ${claims.registerId}) AS "registrarId"`;
  if (!row) {
    const sent = scanId === null ? null : await ctx.prisma.checkIn.findUnique({ where: { personId_scanId: { personId, scanId } }, omit: { scanId: true } });
    if (sent) {
      if (sent.registerId !== claims.registerId) {
        throw fail("CONFLICT", "This scanId was already used for a scan at another register: make a new one for each scan. Nothing was recorded.", { reason: "SCAN_ID_REUSED", field: "scanId" });
      }
      return sent;
    }
    throw refusal(await ctx.prisma.register.findUnique({ where: { id: claims.registerId } }), code);
  }
  ctx.services.hints.publish({ registrarId: row.registrarId, registerId: row.registerId, checkInId: row.id });
  return { id: row.id, registerId: row.registerId, personId: row.personId, checkedInAt: new Date(row.checkedInAt) };
}
