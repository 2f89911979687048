// Registration orphans, health-code's half (subgraphs/testing/registrationOrphans.ts has the
// round trip). A ResultRecorded person who is no resident is answered with RegistrationUnmatched
// (the testing silo keeps the scanned number, this silo the residents). testing then sends the
// pseudonyms of the valid numbers one misread away (ResidentCandidatesRequested); this silo answers
// which of them are residents, with what ranks them: whether the phone given at registration is
// theirs (keyed hashes on both sides, never the number), whether they live in the site's community,
// and their latest earlier test (ResidentCandidatesFound). Pseudonymous ids only cross.
// Ordering: each answer is keyed by the orphan and computed from current residents; testing keeps
// the first answer per orphan, so redelivery changes nothing.
import type { EventEnvelope } from "../../../kernel/events";
import { appendEvents } from "../../../kernel/events";
import type { Sql } from "../../../kernel/db/sql";
import { phoneMatchKey } from "../../../kernel/privacy/phoneMatch";

/** RegistrationUnmatched for each tube's persons who are no residents (one event per such tube; none: nothing appended). */
export async function appendUnmatched(tx: Sql, tubes: Array<{ tube: { tubeId: string; outcome: string; recordedAt: string }; unknown: Array<{ personId: string; swabbedAt: string }> }>): Promise<void> {
  const events = tubes.filter((t) => t.unknown.length > 0).map(({ tube: p, unknown }) => ({
    type: "RegistrationUnmatched", aggregateId: p.tubeId,
    payload: { tubeId: p.tubeId, outcome: p.outcome, recordedAt: p.recordedAt, persons: unknown.map((x) => ({ personId: x.personId, swabbedAt: x.swabbedAt })) },
  }));
  if (events.length > 0) await appendEvents(tx, events);
}

interface Near { personId: string; edit: string }

/** testing's ResidentCandidatesRequested: the residents among `near`, with their ranking facts. */
export function onResidentCandidatesRequested(pepper: () => Uint8Array) {
  return async (event: EventEnvelope, tx: Sql): Promise<void> => {
    const p = event.payload as { orphanId?: unknown; near?: unknown; phoneKey?: unknown; community?: unknown; swabbedAt?: unknown };
    if (typeof p.orphanId !== "string" || !Array.isArray(p.near)) return;
    const near = (p.near as Near[]).filter((n) => typeof n?.personId === "string" && (n.edit === "TRANSPOSITION" || n.edit === "SUBSTITUTION"));
    const edits = new Map(near.map((n) => [n.personId, n.edit]));
    const swabbedAt = typeof p.swabbedAt === "string" ? p.swabbedAt : new Date().toISOString();
    const rows = near.length === 0 ? [] : await tx.query<{ person_id: string; phone: string | null; community: string; last_tested: Date | string | null }>(
      `SELECT r.person_id, r.phone, r.community,
              (SELECT max(t.swabbed_at) FROM test_record t WHERE t.person_id = r.person_id AND t.swabbed_at < $2::timestamptz) AS last_tested
         FROM resident r WHERE r.person_id = ANY($1::text[])`,
      [[...edits.keys()], swabbedAt],
    );
    const key = pepper();
    const candidates = rows.map((r) => ({
      personId: r.person_id,
      edit: edits.get(r.person_id)!,
      phoneMatch: typeof p.phoneKey === "string" && r.phone !== null && phoneMatchKey(key, r.phone) === p.phoneKey,
      sameCommunity: typeof p.community === "string" && r.community === p.community,
      lastTestedAt: r.last_tested ? new Date(r.last_tested).toISOString() : null,
    }));
    await appendEvents(tx, [{ type: "ResidentCandidatesFound", aggregateId: p.orphanId, payload: { orphanId: p.orphanId, candidates } }]);
  };
}
