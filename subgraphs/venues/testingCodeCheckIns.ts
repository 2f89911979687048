// A registrar scans a visitor's testing code (核酸码, issued by health-code's issueTestingCode) to
// check them in (seed 003: the other way round from the visitor scanning the register). The code
// is verified offline with health-code's public key (kernel/testingCode): no call back. Its `sub`
// is the visitor's pseudonymous id, so the visit is the visitor's like a QR check-in; the answer
// carries the same colour, alert and admission (a hospital or testing site admits every colour).
//
// Replay policy: one code checks its holder in at VENUES_TESTING_CODE_MAX_REGISTERS registers (1)
// within its short life. The same code at the same register again is the registrar's retry and
// answers the same check-in (nothing new written); at one register more it is a replay, refused
// (TESTING_CODE_REPLAYED). Uses are counted in the silo's database under a per-code lock, so the
// policy holds across every venues instance; a refused scan writes nothing.
import { randomUUID } from "node:crypto";
import { fail } from "../../kernel/runtime/errors";
import { testingCodeRefusal, verifyTestingCode } from "../../kernel/testingCode";
import type { Register } from "./generated/prisma/client";
import type { VenuesContext } from "./context";
import { ownRegister } from "./registers";
import { refusal, type CheckIn } from "./checkIns";

/** The register the signed-in registrar scans at: one of their own (registrars see only their own registers). */
async function scanningRegister(ctx: VenuesContext, registerId: string): Promise<Register> {
  const register = await ownRegister(ctx, registerId);
  if (register.status === "DELETED") throw fail("NOT_FOUND", "No register has this id: scan at one of your own registers.", { field: "registerId" });
  return register;
}

/** Checks the holder of a scanned testing code in at `registerId` (the registrar's venue's register). */
export async function checkInByTestingCode(ctx: VenuesContext, registerId: string, scanned: string): Promise<CheckIn> {
  const register = await scanningRegister(ctx, registerId);
  // Signature, then life: a forged code learns nothing about expiry. Replays are counted below.
  const code = await verifyTestingCode(scanned, await ctx.services.testingCodeKey);
  const maxRegisters = ctx.services.config.testingCodeMaxRegisters;
  const result = await ctx.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`testing-code:${code.codeId}`}::text))`;
    const uses = await tx.testingCodeUse.findMany({ where: { codeId: code.codeId }, select: { registerId: true, checkInId: true } });
    const retry = uses.find((u) => u.registerId === register.id);
    if (retry) {
      const earlier = await tx.checkIn.findUnique({ where: { id: retry.checkInId } });
      if (earlier) return { row: earlier, fresh: false };
    }
    if (uses.length >= maxRegisters) throw testingCodeRefusal("TESTING_CODE_REPLAYED");
    const id = randomUUID();
    // One statement checks the register is in service and inserts, as a QR check-in does.
    const inserted = await tx.$queryRaw<Array<{ checkedInAt: Date | string }>>`
      INSERT INTO check_in (id, register_id, person_id)
      SELECT ${id}, r.id, ${code.personId} FROM register r WHERE r.id = ${register.id} AND r.status = 'ACTIVE'
      RETURNING checked_in_at AS "checkedInAt"`;
    if (inserted.length === 0) throw refusal(await tx.register.findUnique({ where: { id: register.id } }), null);
    await tx.testingCodeUse.create({ data: { codeId: code.codeId, registerId: register.id, checkInId: id, expiresAt: code.expiresAt } });
    const row: CheckIn = { id, registerId: register.id, personId: code.personId, checkedInAt: new Date(inserted[0]!.checkedInAt) };
    return { row, fresh: true };
  });
  if (result.fresh) ctx.services.hints.publish({ registrarId: register.registrarId, registerId: register.id, checkInId: result.row.id });
  return result.row;
}
