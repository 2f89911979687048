// Orphan results (seed 000: results lost to a mis-scanned label): a result a lab uploads for a
// tube code that matches no tube is not thrown away. It is kept in the agency's orphan queue
// with candidate tubes: the agency's received tubes without a result whose code is one
// substitution or one adjacent transposition away (the usual misreads), transpositions first,
// then the most recently received. The agency's lab resolves an orphan onto one candidate: the
// result is recorded through the same per-item path as an upload, and the move is a custody step
// (who, when, from which code), so it is audited with the tube's chain of custody.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "./generated/prisma/client";
import { fail } from "../../kernel/runtime/errors";
import { scannedCode } from "./codes";
import { custodyStep, type Actor } from "./custody";
import type { Sql } from "../../kernel/db/sql";

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";

/** Codes one substitution or one adjacent transposition away from `code`, with the edit's kind. */
export function neighbours(code: string): Map<string, "TRANSPOSITION" | "SUBSTITUTION"> {
  const out = new Map<string, "TRANSPOSITION" | "SUBSTITUTION">();
  for (let i = 0; i + 1 < code.length; i++) {
    if (code[i] === code[i + 1]) continue;
    out.set(code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2), "TRANSPOSITION");
  }
  for (let i = 0; i < code.length; i++) {
    for (const c of ALPHABET) if (c !== code[i]) {
      const n = code.slice(0, i) + c + code.slice(i + 1);
      if (!out.has(n)) out.set(n, "SUBSTITUTION");
    }
  }
  return out;
}

/** Keeps unknown-tube items of an upload in the agency's queue (a retry adds nothing). */
export async function keepOrphans(sql: Sql, agencyId: string, uploadedBy: string | null, items: Array<{ tubeCode: string; outcome: string }>): Promise<void> {
  if (items.length === 0) return;
  await sql.query(
    `INSERT INTO orphan_result (id, agency_id, tube_code, outcome, uploaded_by)
     SELECT (x->>'id')::uuid, $2::text, x->>'code', (x->>'outcome')::"TestOutcome", $3::text FROM jsonb_array_elements($1::jsonb) x
     ON CONFLICT (agency_id, tube_code) DO NOTHING`,
    [JSON.stringify(items.map((i) => ({ id: randomUUID(), code: i.tubeCode, outcome: i.outcome }))), agencyId, uploadedBy],
  );
}

export interface Candidate { tubeId: string; code: string; edit: "TRANSPOSITION" | "SUBSTITUTION"; rank: number }

/** For each orphan code, the agency's received, unresulted tubes one misread away, ranked (one statement for all). */
export async function candidatesFor(db: Pick<PrismaClient, "$queryRawUnsafe">, agencyId: string, orphanCodes: string[]): Promise<Map<string, Candidate[]>> {
  const near = new Map(orphanCodes.map((c) => [c, neighbours(c)]));
  const all = [...new Set([...near.values()].flatMap((m) => [...m.keys()]))];
  const rows = all.length === 0 ? [] : await db.$queryRawUnsafe<Array<{ id: string; code: string; received: Date | string | null }>>(
    `SELECT t.id, t.code, (SELECT max(c.at) FROM custody_step c WHERE c.box_id = t.box_id AND c.step = 'RECEIVED') AS received
     FROM sample_tube t JOIN transport_box b ON b.id = t.box_id JOIN sampling_site si ON si.id = b.site_id
     WHERE t.code = ANY($1::text[]) AND si.agency_id = $2 AND t.status IN ('RECEIVED', 'TESTING')
       AND NOT EXISTS (SELECT 1 FROM test_result r WHERE r.tube_id = t.id)`,
    all,
    agencyId,
  );
  const at = (v: Date | string | null) => (v === null ? 0 : new Date(v).getTime());
  const out = new Map<string, Candidate[]>();
  for (const [orphan, edits] of near) {
    const ranked = rows
      .filter((r) => edits.has(r.code))
      .map((r) => ({ tubeId: r.id, code: r.code, edit: edits.get(r.code)!, received: at(r.received) }))
      .sort((a, b) => (a.edit === b.edit ? b.received - a.received || a.code.localeCompare(b.code) : a.edit === "TRANSPOSITION" ? -1 : 1));
    out.set(orphan, ranked.map(({ received: _r, ...c }, i) => ({ ...c, rank: i + 1 })));
  }
  return out;
}

/** Marks the orphan resolved onto `tubeCode` (a candidate) with a custody step; the caller records the result in the same transaction. */
export async function claimOrphan(tx: Tx, agencyId: string, actor: Actor, orphanId: string, rawCode: string) {
  const code = scannedCode(rawCode, "tube");
  const [orphan] = await tx.$queryRaw<Array<{ id: string; tubeCode: string; outcome: string; resolvedAt: Date | null }>>`
    SELECT id, tube_code AS "tubeCode", outcome::text AS outcome, resolved_at AS "resolvedAt" FROM orphan_result WHERE id = ${orphanId} AND agency_id = ${agencyId} FOR UPDATE`;
  if (!orphan) throw fail("NOT_FOUND", "Your agency has no orphan result with this id.", { reason: "UNKNOWN_ORPHAN" });
  if (orphan.resolvedAt) throw fail("CONFLICT", "This orphan result was already resolved.", { reason: "ORPHAN_RESOLVED" });
  const candidate = (await candidatesFor(tx, agencyId, [orphan.tubeCode])).get(orphan.tubeCode)!.find((c) => c.code === code);
  if (!candidate) throw fail("BAD_USER_INPUT", `Tube ${code} is not a candidate for ${orphan.tubeCode}: only a received tube without a result, one misread away, can take it.`, { reason: "NOT_A_CANDIDATE", field: "tubeCode" });
  const tube = await tx.sampleTube.findUniqueOrThrow({ where: { id: candidate.tubeId } });
  await custodyStep(tx, tube.boxId, tube.id, "ORPHAN_MATCHED", actor, orphan.tubeCode);
  await tx.$executeRaw`UPDATE orphan_result SET resolved_at = now(), resolved_by = ${actor.id}, resolved_tube_id = ${tube.id} WHERE id = ${orphan.id}`;
  return { orphan, tubeCode: code };
}
