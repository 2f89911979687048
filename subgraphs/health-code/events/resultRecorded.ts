// testing's ResultRecorded → health-code keeps its own record of each person's result (the
// clearing rules count negative tests without calling the testing silo), a positive pooled tube
// raises POOLED_POSITIVE for everyone in it, and a negative result clears every open cause whose
// configured rule it now satisfies (seed 004: "for a medicine pop-up, a negative test clears it
// automatically"; a pooled positive clears on a negative single-tube retest).
// Ordering: commutes. Records are keyed by (tube, person); raising is keyed by (event, person);
// clearing is monotone and depends only on the recorded tests, so any order of results (or a
// replay) ends with the same causes open.
import type { EventEnvelope } from "../../../kernel/events";
import type { Sql } from "../../../kernel/db/sql";
import { appendStatusChanged, lockResidents } from "./statusChanged";
import { rules, type CauseKind } from "../causes/rules";
import { evaluate, type TestFact } from "../causes/progress";
import type { Why } from "../causes/history";
import { clearApproved } from "../causes/approval";
import { appendUnmatched } from "./registrationCandidates";

interface Payload { tubeId: string; outcome: string; recordedAt: string; pooled?: boolean; persons: Array<{ personId: string; swabbedAt: string }> }

export const NEGATIVE_RESULT_REASON = "negative test result, swabbed after the medicine purchase";
const REASONS: Partial<Record<string, string>> = { NEGATIVE_TEST_AFTER: NEGATIVE_RESULT_REASON, SINGLE_TUBE_NEGATIVE: "negative single-tube retest" };

/** Kinds whose rule a test alone can satisfy (cleared here, never by hand). */
const automaticKinds = () => (Object.entries(rules()) as Array<[CauseKind, ReturnType<typeof rules>[CauseKind]]>).filter(([, c]) => c.rule.type === "NEGATIVE_TEST_AFTER" || c.rule.type === "SINGLE_TUBE_NEGATIVE").map(([k]) => k);

/**
 * Records the tube's result for its persons and raises or clears causes accordingly. Persons who
 * are no residents (seed 000: a mis-scanned ID number) are answered with RegistrationUnmatched, so
 * the testing silo can queue the registration with candidate residents (registrationCandidates.ts).
 */
export async function onResultRecorded(event: EventEnvelope, tx: Sql): Promise<void> {
  const p = event.payload as unknown as Payload;
  if (!Array.isArray(p.persons) || typeof p.tubeId !== "string") return;
  const residents = new Set(await lockResidents(tx, p.persons.map((x) => x.personId)));
  const persons = p.persons.filter((x) => residents.has(x.personId));
  // RegistrationMatched (a resolved orphan) names a resident only; it never asks again.
  if (event.type === "ResultRecorded") await appendUnmatched(tx, p, p.persons.filter((x) => !residents.has(x.personId)));
  if (persons.length === 0) return;
  const pooled = typeof p.pooled === "boolean" ? p.pooled : null;
  await tx.query(
    `INSERT INTO test_record (tube_id, person_id, outcome, pooled, swabbed_at, recorded_at)
     SELECT $1::text, x->>'personId', $2::text, $3::boolean, (x->>'swabbedAt')::timestamptz, $4::timestamptz FROM jsonb_array_elements($5::jsonb) x
     ON CONFLICT (tube_id, person_id) DO NOTHING`,
    [p.tubeId, p.outcome, pooled, p.recordedAt, JSON.stringify(persons)],
  );
  if (p.outcome === "POSITIVE" && pooled === true) await raisePooledPositive(event, p, persons.map((x) => x.personId), tx);
  if (p.outcome === "NEGATIVE") {
    await clearSatisfied(p, persons.map((x) => x.personId), tx);
    // A cause whose appeal was approved before its tests were all in clears with this one.
    await clearApproved(tx, persons.map((x) => x.personId));
  }
}

async function raisePooledPositive(event: EventEnvelope, p: Payload, personIds: string[], tx: Sql): Promise<void> {
  const raised = await tx.query<{ id: string; person_id: string }>(
    `INSERT INTO status_cause (id, person_id, kind, detail, raised_at, raised_by_role, evidence_ref)
     SELECT md5($1::text || ':' || pid)::uuid::text, pid, 'POOLED_POSITIVE'::"CauseKind", $2::text, $3::timestamp, 'EVENT', $4::text
       FROM jsonb_array_elements_text($5::jsonb) pid
     ON CONFLICT (id) DO NOTHING RETURNING id, person_id`,
    [event.id, "Your pooled (10-in-1) tube tested positive: a single-tube retest is needed.", p.recordedAt, `testing:tube:${p.tubeId}`, JSON.stringify(personIds)],
  );
  const causeOf = new Map(raised.map((r) => [r.person_id, r.id]));
  await appendStatusChanged(tx, [...causeOf.keys()], (personId) => ({ change: "RAISED", causeId: causeOf.get(personId), causeKind: "POOLED_POSITIVE", reason: "pooled tube tested positive" }));
}

async function clearSatisfied(p: Payload, personIds: string[], tx: Sql): Promise<void> {
  const ids = JSON.stringify(personIds);
  // Times as epoch milliseconds: raised_at is a UTC wall-clock timestamp (Prisma's DateTime), and
  // drivers differ in how they turn one into a Date.
  const open = await tx.query<{ id: string; person_id: string; kind: CauseKind; raised_ms: number }>(
    `SELECT id, person_id, kind::text AS kind, (extract(epoch FROM raised_at) * 1000)::float8 AS raised_ms FROM status_cause
      WHERE person_id IN (SELECT jsonb_array_elements_text($1::jsonb)) AND cleared_at IS NULL AND kind::text IN (SELECT jsonb_array_elements_text($2::jsonb))`,
    [ids, JSON.stringify(automaticKinds())],
  );
  if (open.length === 0) return;
  const tests = await tx.query<{ person_id: string; outcome: string; pooled: boolean | null; swabbed_ms: number }>(
    `SELECT person_id, outcome, pooled, (extract(epoch FROM swabbed_at) * 1000)::float8 AS swabbed_ms FROM test_record WHERE person_id IN (SELECT jsonb_array_elements_text($1::jsonb))`,
    [ids],
  );
  const testsOf = (personId: string): TestFact[] =>
    tests.filter((t) => t.person_id === personId).map((t) => ({ outcome: t.outcome, pooled: t.pooled, swabbedAt: new Date(Number(t.swabbed_ms)) }));
  const why = new Map<string, Why>();
  for (const c of open) {
    const rule = rules()[c.kind].rule;
    if (!evaluate(rule, new Date(Number(c.raised_ms)), testsOf(c.person_id), [], new Date()).satisfied) continue;
    const reason = REASONS[rule.type] ?? "negative test result";
    const cleared = await tx.query(
      `UPDATE status_cause SET cleared_at = $2::timestamp, cleared_reason = $3::text, cleared_by_role = 'EVENT' WHERE id = $1::text AND cleared_at IS NULL RETURNING id`,
      [c.id, p.recordedAt, reason],
    );
    if (cleared.length > 0) why.set(c.person_id, { change: "CLEARED", causeId: c.id, causeKind: c.kind, reason });
  }
  await appendStatusChanged(tx, [...why.keys()], (personId) => why.get(personId)!);
}
