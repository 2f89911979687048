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
import { appendStatusChanged } from "./statusChanged";
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
  // Pooled-positive causes keyed by (event, person), as they always were for this event type.
  // RegistrationMatched (a resolved orphan) names a resident only; it never asks again.
  await applyResults(tx, [p], (_tube, personId) => `${event.id}:${personId}`, event.type === "ResultRecorded");
}

/**
 * ResultsRecorded (one event per upload chunk, testing/events/resultRecorded.ts): every tube's
 * effect as one ResultRecorded would have it, applied set-based in this one transaction.
 * Pooled-positive causes are keyed by (event, tube, person): one per positive pooled tube.
 */
export async function onResultsRecorded(event: EventEnvelope, tx: Sql): Promise<void> {
  await applyResults(tx, tubesOf(event), (t, personId) => `${event.id}:${t.tubeId}:${personId}`, true);
}

/**
 * Several ResultsRecorded events (a consumer's batch) as one pass over all their tubes: the
 * residents locked, the records inserted and the causes raised and cleared once, each cause keyed
 * by its own event as above. A cause cleared by the batch is cleared at the person's latest
 * negative result in it, as within one event.
 */
onResultsRecorded.many = async (events: EventEnvelope[], tx: Sql): Promise<void> => {
  const tubes = events.flatMap((e) => tubesOf(e).map((t) => ({ ...t, eventId: e.id })));
  await applyResults(tx, tubes, (t, personId) => `${t.eventId}:${t.tubeId}:${personId}`, true);
};

function tubesOf(event: EventEnvelope): Payload[] {
  const results = (event.payload as { results?: unknown }).results;
  if (!Array.isArray(results)) return [];
  return (results as Payload[]).filter((r) => r && typeof r.tubeId === "string" && Array.isArray(r.persons));
}

async function applyResults<T extends Payload>(tx: Sql, tubes: T[], causeKey: (tube: T, personId: string) => string, askUnmatched: boolean): Promise<void> {
  const all = tubes.flatMap((t) => t.persons.map((x) => ({ tube: t, person: x })));
  if (all.length === 0) return;
  // One statement: the persons' resident rows locked (lockResidents' order and lock), and the
  // records of the residents among them inserted, as typed arrays (unnest: no per-row JSON).
  const locked = await tx.query<{ person_id: string }>(RECORD_TESTS_SQL, [
    [...new Set(all.map((a) => a.person.personId))],
    all.map((a) => a.tube.tubeId),
    all.map((a) => a.person.personId),
    all.map((a) => a.tube.outcome),
    all.map((a) => (typeof a.tube.pooled === "boolean" ? a.tube.pooled : null)),
    all.map((a) => a.person.swabbedAt),
    all.map((a) => a.tube.recordedAt),
  ]);
  const residents = new Set(locked.map((r) => r.person_id));
  // Persons who are no residents (seed 000: a mis-scanned ID number) are answered with
  // RegistrationUnmatched, so testing can queue the registration with candidates.
  if (askUnmatched) await appendUnmatched(tx, tubes.map((t) => ({ tube: t, unknown: t.persons.filter((x) => !residents.has(x.personId)) })));
  const rows = all.filter((a) => residents.has(a.person.personId)).map(({ tube: t, person: x }) => ({ personId: x.personId, outcome: t.outcome, pooled: t.pooled === true, tubeId: t.tubeId, recordedAt: t.recordedAt, key: causeKey(t, x.personId) }));
  if (rows.length === 0) return;
  const positives = rows.filter((r) => r.outcome === "POSITIVE" && r.pooled === true);
  if (positives.length > 0) await raisePooledPositive(positives, tx);
  const negatives = rows.filter((r) => r.outcome === "NEGATIVE");
  if (negatives.length > 0) {
    // A cause cleared by this batch is cleared at the person's latest negative result in it.
    const clearedAt = new Map<string, string>();
    for (const r of negatives) if (!clearedAt.has(r.personId) || Date.parse(r.recordedAt) > Date.parse(clearedAt.get(r.personId)!)) clearedAt.set(r.personId, r.recordedAt);
    await clearSatisfied(clearedAt, tx);
    // A cause whose appeal was approved before its tests were all in clears with this one.
    await clearApproved(tx, [...clearedAt.keys()]);
  }
}

/**
 * $1 the distinct person ids, $2–$7 one element per (tube, person): tube, person, outcome,
 * pooled, swabbed and recorded times. Locks the residents' rows in id order (as lockResidents)
 * before any record is written, inserts the records of residents only (a record kept already is
 * never overwritten) and answers the residents.
 */
const RECORD_TESTS_SQL = `
WITH locked AS MATERIALIZED (
  SELECT person_id FROM resident WHERE person_id = ANY($1::text[]) ORDER BY person_id FOR UPDATE
), ins AS (
  INSERT INTO test_record (tube_id, person_id, outcome, pooled, swabbed_at, recorded_at)
  SELECT x.tube_id, x.person_id, x.outcome, x.pooled, x.swabbed_at, x.recorded_at
    FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[], $6::timestamptz[], $7::timestamptz[]) AS x(tube_id, person_id, outcome, pooled, swabbed_at, recorded_at)
   WHERE x.person_id IN (SELECT person_id FROM locked)
  ON CONFLICT (tube_id, person_id) DO NOTHING
)
SELECT person_id FROM locked`;

type Row = { tubeId: string; personId: string; recordedAt: string; key: string };

async function raisePooledPositive(rows: Row[], tx: Sql): Promise<void> {
  const raised = await tx.query<{ id: string; person_id: string }>(
    `INSERT INTO status_cause (id, person_id, kind, detail, raised_at, raised_by_role, evidence_ref)
     SELECT md5(x->>'key')::uuid::text, x->>'personId', 'POOLED_POSITIVE'::"CauseKind", $1::text, (x->>'recordedAt')::timestamp, 'EVENT', 'testing:tube:' || (x->>'tubeId')
       FROM jsonb_array_elements($2::jsonb) x
     ON CONFLICT (id) DO NOTHING RETURNING id, person_id`,
    ["Your pooled (10-in-1) tube tested positive: a single-tube retest is needed.", JSON.stringify(rows)],
  );
  const causeOf = new Map(raised.map((r) => [r.person_id, r.id]));
  await appendStatusChanged(tx, [...causeOf.keys()], (personId) => ({ change: "RAISED", causeId: causeOf.get(personId), causeKind: "POOLED_POSITIVE", reason: "pooled tube tested positive" }));
}

async function clearSatisfied(clearedAt: Map<string, string>, tx: Sql): Promise<void> {
  // Lists as text arrays (statusChanged.ts says why): this read once rescanned the list of 1,514
  // persons for every open cause, 134 ms, where the hashed look-up takes about 1 ms.
  const ids = [...clearedAt.keys()];
  // Times as epoch milliseconds: raised_at is a UTC wall-clock timestamp (Prisma's DateTime), and
  // drivers differ in how they turn one into a Date.
  const open = await tx.query<{ id: string; person_id: string; kind: CauseKind; raised_ms: number }>(
    `SELECT id, person_id, kind::text AS kind, (extract(epoch FROM raised_at) * 1000)::float8 AS raised_ms FROM status_cause
      WHERE person_id = ANY ($1::text[]) AND cleared_at IS NULL AND kind::text = ANY ($2::text[])`,
    [ids, automaticKinds()],
  );
  if (open.length === 0) return;
  const withOpen = [...new Set(open.map((c) => c.person_id))];
  const tests = await tx.query<{ person_id: string; outcome: string; pooled: boolean | null; swabbed_ms: number }>(
    `SELECT person_id, outcome, pooled, (extract(epoch FROM swabbed_at) * 1000)::float8 AS swabbed_ms FROM test_record WHERE person_id = ANY ($1::text[])`,
    [withOpen],
  );
  const testsBy = new Map<string, TestFact[]>();
  for (const t of tests) {
    const fact = { outcome: t.outcome, pooled: t.pooled, swabbedAt: new Date(Number(t.swabbed_ms)) };
    const list = testsBy.get(t.person_id);
    if (list) list.push(fact);
    else testsBy.set(t.person_id, [fact]);
  }
  const now = new Date();
  const satisfied = open.flatMap((c) => {
    const rule = rules()[c.kind].rule;
    if (!evaluate(rule, new Date(Number(c.raised_ms)), testsBy.get(c.person_id) ?? [], [], now).satisfied) return [];
    return [{ ...c, at: clearedAt.get(c.person_id)!, reason: REASONS[rule.type] ?? "negative test result" }];
  });
  if (satisfied.length === 0) return;
  // Every satisfied cause in one statement; a cause cleared meanwhile (by hand) is left as it is.
  const cleared = await tx.query<{ id: string }>(
    `UPDATE status_cause c SET cleared_at = (x->>'at')::timestamp, cleared_reason = x->>'reason', cleared_by_role = 'EVENT'
       FROM jsonb_array_elements($1::jsonb) x WHERE c.id = x->>'id' AND c.cleared_at IS NULL RETURNING c.id`,
    [JSON.stringify(satisfied.map((c) => ({ id: c.id, at: c.at, reason: c.reason })))],
  );
  const done = new Set(cleared.map((r) => r.id));
  const why = new Map<string, Why>();
  for (const c of satisfied) if (done.has(c.id)) why.set(c.person_id, { change: "CLEARED", causeId: c.id, causeKind: c.kind, reason: c.reason });
  await appendStatusChanged(tx, [...why.keys()], (personId) => why.get(personId)!);
}
