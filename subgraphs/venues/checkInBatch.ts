// A registrar's scanner at a busy entrance sends the testing codes it scanned at one register in
// one request (checkInBatch): each code is answered on its own, in the order sent, with its
// check-in or why it was refused, and one refused code never refuses the others. The rules are
// checkInByTestingCode's, item by item (signature, expiry, one register per code, the same code
// at the same register answers the same check-in); the cost is per batch, not per visitor: one
// register check, one transaction with one lock statement, one read of earlier uses, one
// set-based INSERT of the check-ins together with their code uses, one feed hint. The transaction
// runs on the silo's database directly (ctx.sql), not through Prisma.
import { randomUUID } from "node:crypto";
import { fail } from "../../kernel/runtime/errors";
import { testingCodeRefusal, verifyTestingCode, type VerifiedTestingCode } from "../../kernel/testingCode";
import type { VenuesContext } from "./context";
import { ownRegister } from "./registers";
import { refusal, type CheckIn } from "./checkIns";

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

class RegisterOutOfService extends Error {}

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

  const written = codeIds.length === 0 ? { rows: new Map<string, CheckIn>(), replayed: new Set<string>(), last: undefined as string | undefined } : await ctx.sql.transaction(async (tx) => {
    // The same per-code locks as checkInByTestingCode, taken in one statement in a fixed order (no deadlock between batches).
    // Lists travel as one JSON parameter (pg and PGlite bind it alike); times as epoch milliseconds.
    const ids = JSON.stringify(codeIds);
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('testing-code:' || c)) FROM jsonb_array_elements_text($1::jsonb) AS c ORDER BY c`, [ids]);
    const uses = await tx.query<{ codeId: string; registerId: string; checkInId: string }>(
      `SELECT code_id AS "codeId", register_id AS "registerId", check_in_id AS "checkInId" FROM testing_code_use WHERE code_id IN (SELECT jsonb_array_elements_text($1::jsonb))`,
      [ids],
    );
    const usesOf = new Map<string, typeof uses>();
    for (const u of uses) usesOf.set(u.codeId, [...(usesOf.get(u.codeId) ?? []), u]);
    const rows = new Map<string, CheckIn>();
    const replayed = new Set<string>();
    const retries = new Map<string, string>();
    const fresh: VerifiedTestingCode[] = [];
    const codeOf = new Map(items.flatMap((i) => (i.code ? [[i.code.codeId, i.code] as const] : [])));
    for (const id of codeIds) {
      const earlier = usesOf.get(id) ?? [];
      const retry = earlier.find((u) => u.registerId === register.id);
      if (retry) retries.set(id, retry.checkInId);
      else if (earlier.length >= maxRegisters) replayed.add(id);
      else fresh.push(codeOf.get(id)!);
    }
    if (retries.size > 0) {
      const earlier = await tx.query<{ id: string; registerId: string; personId: string; atMs: number }>(
        `SELECT id, register_id AS "registerId", person_id AS "personId", (extract(epoch FROM checked_in_at) * 1000)::float8 AS "atMs"
         FROM check_in WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb))`,
        [JSON.stringify([...retries.values()])],
      );
      for (const [codeId, checkInId] of retries) {
        const row = earlier.find((c) => c.id === checkInId);
        if (row) rows.set(codeId, { id: row.id, registerId: row.registerId, personId: row.personId, checkedInAt: new Date(Number(row.atMs)) });
        else replayed.add(codeId); // purged by retention: a code older than its life cannot be scanned anyway
      }
    }
    if (fresh.length > 0) {
      const newIds = fresh.map(() => randomUUID());
      // One statement: the register still in service, every check-in and every code use.
      const inserted = await tx.query<{ id: string; atMs: number }>(
        `WITH reg AS (SELECT id FROM register WHERE id = $1 AND status = 'ACTIVE'),
        x AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(id text, person text, code text, exp timestamptz)),
        ins AS (
          INSERT INTO check_in (id, register_id, person_id)
          SELECT x.id, reg.id, x.person FROM x, reg
          RETURNING id, checked_in_at),
        used AS (
          INSERT INTO testing_code_use (code_id, register_id, check_in_id, expires_at)
          SELECT x.code, reg.id, x.id, x.exp FROM x, reg)
        SELECT id, (extract(epoch FROM checked_in_at) * 1000)::float8 AS "atMs" FROM ins`,
        [register.id, JSON.stringify(fresh.map((c, i) => ({ id: newIds[i], person: c.personId, code: c.codeId, exp: c.expiresAt.toISOString() })))],
      );
      // The register left service since it was read: nothing is written; refused below, after the rollback.
      if (inserted.length !== fresh.length) throw new RegisterOutOfService();
      const at = new Map(inserted.map((r) => [r.id, new Date(Number(r.atMs))]));
      fresh.forEach((c, i) => rows.set(c.codeId, { id: newIds[i]!, registerId: register.id, personId: c.personId, checkedInAt: at.get(newIds[i]!)! }));
    }
    const last = fresh.length > 0 ? rows.get(fresh[fresh.length - 1]!.codeId)!.id : undefined;
    return { rows, replayed, last };
  }).catch(async (err: unknown) => {
    if (err instanceof RegisterOutOfService) throw refusal(await ctx.prisma.register.findUnique({ where: { id: register.id } }), null);
    throw err;
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

