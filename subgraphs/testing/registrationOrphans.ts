// Registration orphans (seed 000: a mis-scanned ID number silently lost a resident's result). A
// registration by document whose number passes validation but names nobody health-code knows is
// not dropped. Each silo keeps its own data; only pseudonyms cross:
//
//   testing: ResultRecorded ──▶ health-code: the tube's persons it does not know
//   health-code: RegistrationUnmatched { tubeId, persons } ──▶ testing: an orphan per swab; from the
//     scanned number (kept encrypted for a retention window) the pseudonyms of every number one
//     substitution or one adjacent transposition away that passes validation (check character)
//   testing: ResidentCandidatesRequested { orphanId, near, phoneKey, community } ──▶ health-code:
//     which of them are residents, whether their phone matches (keyed hash), where they live,
//     when last tested
//   health-code: ResidentCandidatesFound { orphanId, candidates } ──▶ testing: ranked by phone,
//     site (lives in the site's community or swabbed there before), time (latest earlier test),
//     then transpositions before substitutions
//
// An officer (a lab of the site's agency, the site's community officer, or the CDC) resolves an
// orphan onto a candidate: the swab moves to that person, a custody step REGISTRATION_MATCHED
// records who and when, health-code gets RegistrationMatched (the tube's result for that person),
// and the encrypted number is purged. Expired orphans lose their number too.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "./generated/prisma/client";
import { prismaSql, type Sql } from "../../kernel/db/sql";
import { appendEvents, type EventEnvelope } from "../../kernel/events";
import { checkDocument, citizenIdCheckCharacter, maskIdNumber, personIdFor, type DocumentType } from "../../kernel/identity";
import { entityKeyring, entityKeyVersionsFromEnv, type EntityKeyring } from "../../kernel/privacy/entityKeys";
import { phoneMatchKey } from "../../kernel/privacy/phoneMatch";
import { ConfigError } from "../../kernel/config/env";
import type { Viewer } from "../../kernel/auth/viewer";
import { fail } from "../../kernel/runtime/errors";
import { custodyStep, type Actor } from "./custody";

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** The keyring audience of scanned numbers: a key of its own, which no viewer's ids use. */
const SEAL_AUDIENCE = "testing-scanned-document";
const DAY_MS = 86_400_000;

/** Seals and opens scanned document numbers, and how long they are kept. */
export interface ScannedNumbers {
  seal(type: string, number: string): string;
  open(type: string, sealed: string): string | null;
  retentionMs: number;
  pepper: Uint8Array;
}

/** TESTING_SCANNED_NUMBER_RETENTION_DAYS: 1 to 90, default 14. */
export function retentionDaysFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.TESTING_SCANNED_NUMBER_RETENTION_DAYS;
  if (raw === undefined || raw.trim() === "") return 14;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > 90) throw new ConfigError(`TESTING_SCANNED_NUMBER_RETENTION_DAYS must be a whole number of days from 1 to 90 (got "${raw}").`);
  return days;
}

export function scannedNumbers(pepper: Uint8Array, env: NodeJS.ProcessEnv = process.env): ScannedNumbers {
  const keyring: EntityKeyring = entityKeyring(pepper, entityKeyVersionsFromEnv(env));
  return {
    seal: (type, number) => keyring.encode(SEAL_AUDIENCE, type, number),
    open: (type, sealed) => keyring.decode(SEAL_AUDIENCE, type, sealed),
    retentionMs: retentionDaysFromEnv(env) * DAY_MS,
    pepper,
  };
}

/** Keeps the scanned number of a new swab, encrypted, until the retention window ends (in the registration's transaction). */
export async function keepScannedNumber(tx: Pick<Tx, "registrationDocument">, numbers: ScannedNumbers, swabId: string, type: string, number: string): Promise<void> {
  await tx.registrationDocument.create({ data: { swabId, sealed: numbers.seal(type, number), expiresAt: new Date(Date.now() + numbers.retentionMs) } });
}

export type Edit = "TRANSPOSITION" | "SUBSTITUTION";

/**
 * Valid numbers of the same document type one misread away. For passports and permits (no check
 * character): one adjacent transposition or one substitution that passes validation. A citizen ID's
 * check character (GB 11643: weights that differ mod 11) catches every single substitution and
 * adjacent transposition, so no valid ID number is one edit from another; a misread ID number that
 * passes validation had its check character misread as well (or recomputed by the desk's software).
 * For ID cards the neighbours are therefore one substitution or adjacent transposition among the
 * first 17 characters, with the check character recomputed, that pass validation (region, date).
 */
export function validNeighbours(type: DocumentType, number: string): Map<string, Edit> {
  const idCard = type === "CITIZEN_ID";
  const body = idCard ? number.slice(0, 17) : number;
  const alphabet = idCard ? "0123456789" : "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  const out = new Map<string, Edit>();
  const consider = (edited: string, edit: Edit) => {
    const n = idCard ? (/^\d{17}$/.test(edited) ? edited + citizenIdCheckCharacter(edited) : "") : edited;
    if (n === "" || n === number || out.has(n)) return;
    const check = checkDocument(type, n);
    if (check.ok && check.doc.number === n) out.set(n, edit);
  };
  for (let i = 0; i + 1 < body.length; i++) if (body[i] !== body[i + 1]) consider(body.slice(0, i) + body[i + 1] + body[i] + body.slice(i + 2), "TRANSPOSITION");
  for (let i = 0; i < body.length; i++) for (const c of alphabet) if (c !== body[i]) consider(body.slice(0, i) + c + body.slice(i + 1), "SUBSTITUTION");
  return out;
}

interface SwabRow { swabId: string; personId: string; documentType: string; phone: string | null; swabbedAt: Date | string; sealed: string | null; expiresAt: Date | string | null; siteId: string; agencyId: string; community: string }

/** Deletes scanned numbers past their window or of resolved orphans. */
export async function purgeScannedNumbers(sql: Sql): Promise<void> {
  await sql.query(
    `DELETE FROM registration_document d WHERE d.expires_at <= now()
        OR EXISTS (SELECT 1 FROM orphan_registration o WHERE o.swab_id = d.swab_id AND o.resolved_at IS NOT NULL)`,
  );
}

/** health-code's RegistrationUnmatched: one orphan per unknown person's swab, and a request for candidates when the number is still kept. */
export function onRegistrationUnmatched(numbers: () => ScannedNumbers) {
  return async (event: EventEnvelope, tx: Sql): Promise<void> => {
    const p = event.payload as { tubeId?: unknown; persons?: unknown };
    if (typeof p.tubeId !== "string" || !Array.isArray(p.persons)) return;
    const personIds = p.persons.map((x: { personId?: unknown }) => x?.personId).filter((x): x is string => typeof x === "string");
    if (personIds.length === 0) return;
    const rows = await tx.query<SwabRow>(
      `SELECT s.id AS "swabId", s.person_id AS "personId", s.document_type AS "documentType", s.phone, s.swabbed_at AS "swabbedAt",
              d.sealed, d.expires_at AS "expiresAt", s.site_id AS "siteId", si.agency_id AS "agencyId", si.community
         FROM swab s JOIN sampling_site si ON si.id = s.site_id
         LEFT JOIN registration_document d ON d.swab_id = s.id AND d.expires_at > now()
        WHERE s.tube_id = $1 AND s.person_id = ANY($2::text[]) AND s.method = 'DOCUMENT'`,
      [p.tubeId, personIds],
    );
    const n = numbers();
    const requests = [];
    for (const r of rows) {
      const expiresAt = r.expiresAt ? new Date(r.expiresAt) : new Date(Date.now() + n.retentionMs);
      const number = r.sealed ? n.open(r.documentType, r.sealed) : null;
      // Without the number nobody can compute candidates: the orphan is listed with none.
      const [orphan] = await tx.query<{ id: string }>(
        `INSERT INTO orphan_registration (id, swab_id, tube_id, site_id, agency_id, community, person_id, candidates, expires_at)
         VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::timestamptz) ON CONFLICT (swab_id) DO NOTHING RETURNING id::text`,
        [randomUUID(), r.swabId, p.tubeId, r.siteId, r.agencyId, r.community, r.personId, number ? null : "[]", expiresAt.toISOString()],
      );
      if (!orphan || !number) continue;
      const near = [...validNeighbours(r.documentType as DocumentType, number)].map(([num, edit]) => ({ personId: personIdFor({ type: r.documentType as DocumentType, number: num }, n.pepper), edit }));
      requests.push({
        type: "ResidentCandidatesRequested",
        aggregateId: orphan.id,
        payload: { orphanId: orphan.id, tubeId: p.tubeId, swabbedAt: new Date(r.swabbedAt).toISOString(), community: r.community, phoneKey: r.phone ? phoneMatchKey(n.pepper, r.phone) : null, near },
      });
    }
    await appendEvents(tx, requests);
    await purgeScannedNumbers(tx);
  };
}

interface FoundCandidate { personId: string; edit: Edit; phoneMatch: boolean; sameCommunity: boolean; lastTestedAt: string | null }
export interface RankedCandidate { personId: string; edit: Edit; phoneMatch: boolean; sameSite: boolean; lastTestedAt: string | null; rank: number }

/** health-code's ResidentCandidatesFound: ranks the residents and opens the orphan for resolution (once). */
export async function onResidentCandidatesFound(event: EventEnvelope, tx: Sql): Promise<void> {
  const p = event.payload as { orphanId?: unknown; candidates?: unknown };
  if (typeof p.orphanId !== "string" || !Array.isArray(p.candidates)) return;
  const found = (p.candidates as FoundCandidate[]).filter((c) => typeof c?.personId === "string");
  const [orphan] = await tx.query<{ siteId: string; swabId: string; swabbedAt: Date | string }>(
    `SELECT o.site_id AS "siteId", o.swab_id AS "swabId", s.swabbed_at AS "swabbedAt" FROM orphan_registration o JOIN swab s ON s.id = o.swab_id WHERE o.id = $1::uuid AND o.candidates IS NULL FOR UPDATE OF o`,
    [p.orphanId],
  );
  if (!orphan) return;
  // Site and time from this silo's own swabs: an earlier swab of the candidate at the same site.
  const seen = found.length === 0 ? [] : await tx.query<{ personId: string; at: Date | string }>(
    `SELECT s.person_id AS "personId", max(s.swabbed_at) AS at FROM swab s
      WHERE s.person_id = ANY($1::text[]) AND s.site_id = $2 AND s.id <> $3 GROUP BY s.person_id`,
    [found.map((c) => c.personId), orphan.siteId, orphan.swabId],
  );
  const atSite = new Map(seen.map((s) => [s.personId, new Date(s.at).getTime()]));
  const time = (c: FoundCandidate) => Math.max(atSite.get(c.personId) ?? 0, c.lastTestedAt ? new Date(c.lastTestedAt).getTime() : 0);
  const score = (c: FoundCandidate) => (c.phoneMatch ? 4 : 0) + (c.sameCommunity || atSite.has(c.personId) ? 2 : 0);
  const ranked: RankedCandidate[] = [...found]
    .sort((a, b) => score(b) - score(a) || time(b) - time(a) || (a.edit === b.edit ? 0 : a.edit === "TRANSPOSITION" ? -1 : 1) || a.personId.localeCompare(b.personId))
    .map((c, i) => ({ personId: c.personId, edit: c.edit, phoneMatch: c.phoneMatch === true, sameSite: c.sameCommunity === true || atSite.has(c.personId), lastTestedAt: time(c) > 0 ? new Date(time(c)).toISOString() : null, rank: i + 1 }));
  await tx.query(`UPDATE orphan_registration SET candidates = $2::jsonb WHERE id = $1::uuid AND candidates IS NULL`, [p.orphanId, JSON.stringify(ranked)]);
}

/** Who may see and resolve which orphans: a lab its agency's, a community officer their community's, the CDC all. */
export function orphanScope(viewer: Viewer): { agencyId?: string; community?: string } {
  if (viewer.role === "LAB" && viewer.agencyId) return { agencyId: viewer.agencyId };
  if (viewer.role === "COMMUNITY_OFFICER" && viewer.community) return { community: viewer.community };
  if (viewer.role === "EPIDEMIOLOGIST") return {};
  throw fail("FORBIDDEN", "Only the agency's lab, the site's community officer or the CDC may handle unmatched registrations.");
}

export interface OrphanRow {
  id: string;
  tubeId: string;
  swabId: string;
  personId: string;
  candidates: RankedCandidate[] | null;
  createdAt: Date;
  expiresAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolvedRole: string | null;
  resolvedPersonId: string | null;
}

const asOrphan = <R extends { candidates: unknown }>(r: R): Omit<R, "candidates"> & { candidates: RankedCandidate[] | null } => ({
  ...r,
  candidates: r.candidates === null || r.candidates === undefined ? null : typeof r.candidates === "string" ? (JSON.parse(r.candidates) as RankedCandidate[]) : (r.candidates as RankedCandidate[]),
});

/** The orphan queue in scope, oldest first: open ones (resolved: false) or resolved ones; expired ones drop out. */
export async function orphanRegistrations(prisma: PrismaClient, scope: { agencyId?: string; community?: string }, resolved: boolean, first: number): Promise<OrphanRow[]> {
  const rows = await prisma.orphanRegistration.findMany({
    where: { ...scope, resolvedAt: resolved ? { not: null } : null, ...(resolved ? {} : { expiresAt: { gt: new Date() } }) },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: Math.min(200, Math.max(1, Math.trunc(first))),
  });
  return rows.map(asOrphan);
}

/**
 * Moves the orphan's swab onto a candidate: the swab's person and masked number change, a custody
 * step records the move, the orphan is resolved and its scanned number purged, and health-code
 * receives RegistrationMatched with the tube's result, all in one transaction. When the candidate is
 * already registered in the same tube, the orphan was a duplicate scan: its swab is removed instead.
 * Resolving again onto the same person answers the orphan unchanged.
 */
export async function resolveOrphanRegistration(prisma: PrismaClient, numbers: ScannedNumbers, scope: { agencyId?: string; community?: string }, actor: Actor, orphanId: string, personId: string): Promise<{ orphan: OrphanRow; changed: boolean }> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(orphanId)) throw fail("NOT_FOUND", "No unmatched registration has this id.", { reason: "UNKNOWN_ORPHAN" });
  const out = await prisma.$transaction(async (tx) => {
    const [o] = await tx.$queryRaw<Array<{ id: string; agencyId: string; community: string; swabId: string; tubeId: string; personId: string; candidates: RankedCandidate[] | null; expiresAt: Date; resolvedAt: Date | null; resolvedPersonId: string | null }>>`
      SELECT id::text, agency_id AS "agencyId", community, swab_id AS "swabId", tube_id AS "tubeId", person_id AS "personId", candidates, expires_at AS "expiresAt",
             resolved_at AS "resolvedAt", resolved_person_id AS "resolvedPersonId"
        FROM orphan_registration WHERE id = ${orphanId}::uuid FOR UPDATE`;
    if (!o || (scope.agencyId && o.agencyId !== scope.agencyId) || (scope.community && o.community !== scope.community)) {
      throw fail("NOT_FOUND", "No unmatched registration with this id is yours to resolve.", { reason: "UNKNOWN_ORPHAN" });
    }
    if (o.resolvedAt) {
      if (o.resolvedPersonId === personId) return { changed: false };
      throw fail("CONFLICT", "This registration was already matched to another person.", { reason: "ORPHAN_RESOLVED" });
    }
    if (new Date(o.expiresAt).getTime() <= Date.now()) throw fail("CONFLICT", "This unmatched registration expired: its scanned number is gone.", { reason: "ORPHAN_EXPIRED" });
    // A driver may hand JSONB back as text.
    if (typeof o.candidates === "string") o.candidates = JSON.parse(o.candidates) as RankedCandidate[];
    if (o.candidates === null) throw fail("CONFLICT", "The health-code silo has not answered with candidates yet: try again in a moment.", { reason: "CANDIDATES_PENDING" });
    if (!o.candidates.some((c) => c.personId === personId)) throw fail("BAD_USER_INPUT", "This person is not one of the registration's candidates.", { reason: "NOT_A_CANDIDATE", field: "personId" });
    const swab = await tx.swab.findUniqueOrThrow({ where: { id: o.swabId }, include: { tube: { include: { result: true } } } });
    const own = await tx.swab.findUnique({ where: { tubeId_personId: { tubeId: swab.tubeId, personId } } });
    if (own) {
      // The misread scan duplicated the person's own registration in this tube (the desk scanned
      // them again): they already have the tube's result through it. The orphan now points at that
      // registration, the duplicate swab goes (the tube lists real people only), the move is a
      // custody step and the scanned number is purged; no event (health-code has the result).
      await custodyStep(tx, swab.tube.boxId, swab.tubeId, "REGISTRATION_MATCHED", actor, `unmatched registration ${o.id} was a duplicate of its candidate's own registration in this tube`);
      await tx.$executeRaw`UPDATE orphan_registration SET swab_id = ${own.id}, resolved_at = now(), resolved_by = ${actor.id}, resolved_role = ${actor.role}, resolved_person_id = ${personId} WHERE id = ${o.id}::uuid`;
      await tx.registrationDocument.deleteMany({ where: { swabId: swab.id } });
      await tx.swab.delete({ where: { id: swab.id } });
      return { changed: true };
    }
    // The right number is the candidate's neighbour of the scanned one: the swab shows it masked.
    const doc = await tx.registrationDocument.findUnique({ where: { swabId: swab.id } });
    const scanned = doc ? numbers.open(swab.documentType, doc.sealed) : null;
    const right = scanned ? [...validNeighbours(swab.documentType as DocumentType, scanned).keys()].find((n) => personIdFor({ type: swab.documentType as DocumentType, number: n }, numbers.pepper) === personId) : undefined;
    await tx.swab.update({ where: { id: swab.id }, data: { personId, ...(right ? { documentMasked: maskIdNumber(right) } : {}) } });
    await custodyStep(tx, swab.tube.boxId, swab.tubeId, "REGISTRATION_MATCHED", actor, `unmatched registration ${o.id} moved to its candidate`);
    await tx.$executeRaw`UPDATE orphan_registration SET resolved_at = now(), resolved_by = ${actor.id}, resolved_role = ${actor.role}, resolved_person_id = ${personId} WHERE id = ${o.id}::uuid`;
    await tx.registrationDocument.deleteMany({ where: { swabId: swab.id } });
    const r = swab.tube.result;
    if (r) {
      await appendEvents(prismaSql(tx), [{
        type: "RegistrationMatched",
        aggregateId: swab.tubeId,
        payload: { tubeId: swab.tubeId, outcome: r.outcome, recordedAt: r.recordedAt.toISOString(), agencyId: r.agencyId, pooled: swab.tube.capacity > 1, persons: [{ personId, swabbedAt: swab.swabbedAt.toISOString() }], previousPersonId: o.personId },
      }]);
    }
    return { changed: true };
  });
  const [orphan] = (await prisma.orphanRegistration.findMany({ where: { id: orphanId } })).map(asOrphan);
  return { orphan: orphan!, changed: out.changed };
}
