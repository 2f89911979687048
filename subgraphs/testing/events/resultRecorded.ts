// ResultsRecorded: a lab recorded tubes' results. Appended in the recording transaction, one event
// per chunk of up to RESULTS_PER_EVENT newly recorded tubes (a repeated upload records nothing and
// emits nothing). On the bus each item of `results` is exactly what a ResultRecorded v1 payload was
// for its tube ({ tubeId, outcome, recordedAt, agencyId, pooled, persons: [{ personId, swabbedAt }] }),
// so consumers apply each tube's effect as before, but a 10,000-result upload is 10 outbox rows and
// 10 consumer transactions rather than 10,000 of each. The payload names the swabbed persons by
// pseudonymous id with their swab times: never names, ID numbers or phones. `pooled`: capacity
// above one (health-code raises POOLED_POSITIVE and clears it on a single-tube negative).
//
// The outbox row is written compact (version 2: `{ recordedAt, agencyId, results: [{ tubeId,
// outcome }] }`, only what the upload has) and the relay completes it from the tube and swab tables
// before publishing (expandResultsRecorded), off the upload's transaction: building each tube's
// persons in the write cost about a third of the statement. Rows written whole (version 1) are
// published as they are. Consumers still handle ResultRecorded (one tube per event) for events
// written before.
import type { EventEnvelope } from "../../../kernel/events";
import type { Sql } from "../../../kernel/db/sql";

/** One tube's recorded result as an event carries it (the ResultRecorded v1 payload). */
export interface ResultPayload { tubeId: string; outcome: string; recordedAt: string; agencyId: string; pooled: boolean; persons: Array<{ personId: string; swabbedAt: string }> }

/** The outbox row as the upload writes it (version 2), before the relay expands it. */
interface CompactPayload { recordedAt: string; agencyId: string; results: Array<{ tubeId: string; outcome: string }> }

/** Tubes per ResultsRecorded event: a chunk's payload stays a few hundred kB on the bus. */
export const RESULTS_PER_EVENT = 1000;

// Times as ISO 8601 UTC with milliseconds, as Date.toISOString() writes them: the columns are UTC
// wall-clock timestamps (Prisma's DateTime).
const iso = (col: string) => `to_char(${col}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The set-based write of results.ts, one statement: $1 a JSON array of { id, tubeId, outcome } (tubes
 * locked and checked by the caller), $2 the agency, $3 who recorded, $4 tubes per event, $5 the
 * outbox channel. Inserts the results (a tube that has one already is skipped: never overwritten),
 * and appends compact ResultsRecorded outbox rows (version 2, above). The tubes' rows are not
 * touched: a tube with a result is RESULTED by that (custody.ts, tubeState).
 * The aggregate is "results:" and the chunk's first tube id (never an ID number). Answers one row:
 * how many results were inserted and when (recorded_at is the transaction's time, the same for
 * every row), and notifies $5 when any was (delivered at commit): not 10,000 rows back to the
 * caller for a clean upload.
 */
export const RECORD_RESULTS_SQL = `
WITH n AS (
  SELECT x->>'id' AS id, x->>'tubeId' AS tube_id, x->>'outcome' AS outcome FROM jsonb_array_elements($1::jsonb) x
), ins AS (
  INSERT INTO test_result (id, tube_id, outcome, agency_id, recorded_by)
  SELECT id, tube_id, outcome::"TestOutcome", $2::text, $3::text FROM n
  ON CONFLICT (tube_id) DO NOTHING
  RETURNING tube_id, outcome, recorded_at
), items AS (
  SELECT tube_id, outcome, recorded_at, (row_number() OVER (ORDER BY tube_id) - 1) / $4::int AS chunk FROM ins
), events AS (
  INSERT INTO outbox_event (id, type, version, aggregate_id, payload)
  SELECT gen_random_uuid(), 'ResultsRecorded', 2, 'results:' || min(tube_id),
         jsonb_build_object('recordedAt', ${iso("min(recorded_at)")}, 'agencyId', $2::text,
                            'results', jsonb_agg(jsonb_build_object('tubeId', tube_id, 'outcome', outcome::text) ORDER BY tube_id))
    FROM items GROUP BY chunk
  RETURNING id
)
SELECT count(*)::int AS recorded, (extract(epoch FROM min(recorded_at)) * 1000)::float8 AS "recordedMs",
       CASE WHEN count(*) > 0 THEN (SELECT count(*) FROM pg_notify($5::text, ''))::int ELSE 0 END AS notified
  FROM ins`;

// Each tube's pooling and persons, a row per swab (a tube without one: a row with no person). Plain
// rows measured about half the time of the same built as one JSON object by PostgreSQL.
// Each tube's swabs are looked up by its tube (LATERAL, kept from being flattened by OFFSET 0), so
// the cost follows the event's tubes and never the swab table: as a plain join, on tables without
// statistics the planner hashed a sequential scan of every swab (81,445 rows for 5,000 tubes).
const EXPAND_SQL = `
SELECT t.id AS "tubeId", t.capacity > 1 AS pooled, s.person_id AS "personId", ${iso("s.swabbed_at")} AS "swabbedAt"
  FROM sample_tube t
  LEFT JOIN LATERAL (SELECT sw.person_id, sw.swabbed_at FROM swab sw WHERE sw.tube_id = t.id OFFSET 0) s ON true
 WHERE t.id = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))
 ORDER BY t.id, s.swabbed_at, s.person_id`;

type Expansion = Map<string, { pooled: boolean; persons: ResultPayload["persons"] }>;

/**
 * The relay's expander for ResultsRecorded (kernel/events/expand.ts): a compact row (version 2)
 * leaves with every tube's v1 payload, persons read from the swab table as they are at publish
 * time (a registration moved by an orphan's resolution since is published as moved; its own
 * RegistrationMatched follows). Envelopes already whole pass through.
 */
export async function expandResultsRecorded(envelopes: EventEnvelope[], tx: Sql): Promise<void> {
  const compact = envelopes.filter((e) => e.version === 2);
  if (compact.length === 0) return;
  const tubeIds = compact.flatMap((e) => (e.payload as unknown as CompactPayload).results.map((r) => r.tubeId));
  const rows = await tx.query<{ tubeId: string; pooled: boolean; personId: string | null; swabbedAt: string | null }>(EXPAND_SQL, [JSON.stringify(tubeIds)]);
  const tubes: Expansion = new Map();
  for (const r of rows) {
    let t = tubes.get(r.tubeId);
    if (!t) tubes.set(r.tubeId, (t = { pooled: r.pooled, persons: [] }));
    if (r.personId !== null) t.persons.push({ personId: r.personId, swabbedAt: r.swabbedAt! });
  }
  for (const e of compact) {
    const p = e.payload as unknown as CompactPayload;
    const results: ResultPayload[] = p.results.map((r) => {
      const t = tubes.get(r.tubeId);
      return { tubeId: r.tubeId, outcome: r.outcome, recordedAt: p.recordedAt, agencyId: p.agencyId, pooled: t?.pooled ?? false, persons: t?.persons ?? [] };
    });
    e.payload = { results };
    e.version = 1;
  }
}
