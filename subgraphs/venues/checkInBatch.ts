// A registrar's scanner at a busy entrance sends the testing codes it scanned at one register in
// one request (checkInBatch): each code is answered on its own, in the order sent, with its
// check-in or why it was refused, and one refused code never refuses the others. The rules are
// checkInByTestingCode's, item by item (signature, expiry, one register per code, the same code
// at the same register answers the same check-in); the cost is per batch, not per visitor: one
// register check, one transaction with one lock statement, one read of earlier uses, one
// set-based INSERT of the check-ins together with their code uses, one feed hint.
import { randomUUID } from "node:crypto";
import { fail } from "../../kernel/runtime/errors";
import { testingCodeRefusal, verifyTestingCode, type VerifiedTestingCode } from "../../kernel/testingCode";
import type { CheckIn } from "./generated/prisma/client";
import type { VenuesContext } from "./context";
import { ownRegister } from "./registers";
import { refusal } from "./checkIns";

/** The most codes one batch carries (a scanner's queue of a few seconds at a busy entrance). */
export const BATCH_MAX = 200;

export interface BatchRefusal { code: string; reason: string | null; message: string }
export interface BatchItem { checkIn: CheckIn | null; error: BatchRefusal | null }

const refusalOf = (err: unknown): BatchRefusal => {
  const e = err as { message?: string; extensions?: { code?: unknown; reason?: unknown } };
  const code = typeof e.extensions?.code === "string" ? e.extensions.code : null;
  // Anything but a refusal with a code is a failure of the whole batch, never an item's answer.
  if (!code) throw err;
  return { code, reason: typeof e.extensions?.reason === "string" ? e.extensions.reason : null, message: e.message ?? "" };
};

/** Checks in the holders of `scanned` testing codes at the registrar's own register `registerId`. */
export async function checkInBatch(ctx: VenuesContext, registerId: string, scanned: string[]): Promise<BatchItem[]> {
  if (scanned.length < 1 || scanned.length > BATCH_MAX) {
    throw fail("BAD_USER_INPUT", `A batch carries 1 to ${BATCH_MAX} testing codes.`, { field: "testingCodes" });
  }
  const register = await ownRegister(ctx, registerId);
  if (register.status === "DELETED") throw fail("NOT_FOUND", "No register has this id: scan at one of your own registers.", { field: "registerId" });
  if (register.status !== "ACTIVE") throw refusal(register, null);
  const key = await ctx.services.testingCodeKey;

  // Verify every code (signature, then life); a refused code is that item's answer.
  const items: Array<{ code?: VerifiedTestingCode; error?: BatchRefusal }> = await Promise.all(
    scanned.map((s) => verifyTestingCode(s, key).then((code) => ({ code }), (err: unknown) => ({ error: refusalOf(err) }))),
  );
  const codeIds = [...new Set(items.flatMap((i) => (i.code ? [i.code.codeId] : [])))].sort();
  const maxRegisters = ctx.services.config.testingCodeMaxRegisters;

  const written = codeIds.length === 0 ? { rows: new Map<string, CheckIn>(), replayed: new Set<string>(), last: undefined as string | undefined } : await ctx.prisma.$transaction(async (tx) => {
    // The same per-code locks as checkInByTestingCode, taken in one statement in a fixed order (no deadlock between batches).
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('testing-code:' || c)) FROM unnest(${codeIds}::text[]) AS c ORDER BY c`;
    const uses = await tx.$queryRaw<Array<{ codeId: string; registerId: string; checkInId: string }>>`
      SELECT code_id AS "codeId", register_id AS "registerId", check_in_id AS "checkInId" FROM testing_code_use WHERE code_id = ANY(${codeIds}::text[])`;
    const usesOf = new Map<string, typeof uses>();
    for (const u of uses) usesOf.set(u.codeId, [...(usesOf.get(u.codeId) ?? []), u]);
    const rows = new Map<string, CheckIn>();
    const replayed = new Set<string>();
    const retries = new Map<string, string>();
    const fresh: VerifiedTestingCode[] = [];
    for (const id of codeIds) {
      const earlier = usesOf.get(id) ?? [];
      const retry = earlier.find((u) => u.registerId === register.id);
      if (retry) retries.set(id, retry.checkInId);
      else if (earlier.length >= maxRegisters) replayed.add(id);
      else fresh.push(items.find((i) => i.code?.codeId === id)!.code!);
    }
    if (retries.size > 0) {
      const earlier = await tx.checkIn.findMany({ where: { id: { in: [...retries.values()] } } });
      for (const [codeId, checkInId] of retries) {
        const row = earlier.find((c) => c.id === checkInId);
        if (row) rows.set(codeId, row);
        else replayed.add(codeId); // purged by retention: a code older than its life cannot be scanned anyway
      }
    }
    if (fresh.length > 0) {
      const ids = fresh.map(() => randomUUID());
      // One statement: the register still in service, every check-in and every code use.
      const inserted = await tx.$queryRaw<Array<{ id: string; checkedInAt: Date | string }>>`
        WITH reg AS (SELECT id FROM register WHERE id = ${register.id} AND status = 'ACTIVE'),
        ins AS (
          INSERT INTO check_in (id, register_id, person_id)
          SELECT x.id, reg.id, x.person FROM unnest(${ids}::text[], ${fresh.map((c) => c.personId)}::text[]) AS x(id, person), reg
          RETURNING id, checked_in_at),
        used AS (
          INSERT INTO testing_code_use (code_id, register_id, check_in_id, expires_at)
          SELECT u.code, reg.id, u.id, u.exp FROM unnest(${fresh.map((c) => c.codeId)}::text[], ${ids}::text[], ${fresh.map((c) => c.expiresAt.toISOString())}::timestamptz[]) AS u(code, id, exp), reg)
        SELECT id, checked_in_at AS "checkedInAt" FROM ins`;
      if (inserted.length !== fresh.length) throw refusal(await tx.register.findUnique({ where: { id: register.id } }), null);
      const at = new Map(inserted.map((r) => [r.id, new Date(r.checkedInAt)]));
      fresh.forEach((c, i) => rows.set(c.codeId, { id: ids[i]!, registerId: register.id, personId: c.personId, checkedInAt: at.get(ids[i]!)! }));
    }
    const last = fresh.length > 0 ? rows.get(fresh[fresh.length - 1]!.codeId)!.id : undefined;
    return { rows, replayed, last };
  });
  if (written.last) {
    // One hint per batch: the feed reads everything new on the register at once.
    ctx.services.hints.publish({ registrarId: register.registrarId, registerId: register.id, checkInId: written.last });
  }
  return items.map((i): BatchItem => {
    if (i.error) return { checkIn: null, error: i.error };
    const codeId = i.code!.codeId;
    if (written.replayed.has(codeId)) return { checkIn: null, error: refusalOf(testingCodeRefusal("TESTING_CODE_REPLAYED")) };
    return { checkIn: written.rows.get(codeId)!, error: null };
  });
}

