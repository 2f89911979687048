// ResultsRecorded: a lab recorded tubes' results. Appended in the recording transaction, one event
// per chunk of up to RESULTS_PER_EVENT newly recorded tubes (a repeated upload records nothing and
// emits nothing): each item of `results` is exactly what a ResultRecorded v1 payload was for its
// tube ({ tubeId, outcome, recordedAt, agencyId, pooled, persons: [{ personId, swabbedAt }] }), so
// consumers apply each tube's effect as before, but a 10,000-result upload is 10 outbox rows and 10
// consumer transactions rather than 10,000 of each. The payload names the swabbed persons by
// pseudonymous id with their swab times: never names, ID numbers or phones. `pooled`: capacity
// above one (health-code raises POOLED_POSITIVE and clears it on a single-tube negative).
// Consumers still handle ResultRecorded (one tube per event) for events written before.

/** One tube's recorded result as an event carries it (the ResultRecorded v1 payload). */
export interface ResultPayload { tubeId: string; outcome: string; recordedAt: string; agencyId: string; pooled: boolean; persons: Array<{ personId: string; swabbedAt: string }> }

/** Tubes per ResultsRecorded event: a chunk's payload stays a few hundred kB on the bus. */
export const RESULTS_PER_EVENT = 1000;

// Times as ISO 8601 UTC with milliseconds, as Date.toISOString() writes them: the columns are UTC
// wall-clock timestamps (Prisma's DateTime).
const iso = (col: string) => `to_char(${col}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The set-based write of results.ts, one statement: $1 a JSON array of { id, tubeId, outcome } (tubes
 * locked and checked by the caller), $2 the agency, $3 who recorded, $4 tubes per event, $5 the
 * outbox channel. Inserts the results (a tube that has one already is skipped: never overwritten),
 * moves their tubes to RESULTED, and appends ResultsRecorded outbox rows built from the swab table.
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
), moved AS (
  UPDATE sample_tube t SET status = 'RESULTED' FROM ins WHERE t.id = ins.tube_id RETURNING t.id, t.capacity
), items AS (
  SELECT ins.tube_id, ins.recorded_at,
         (row_number() OVER (ORDER BY ins.tube_id) - 1) / $4::int AS chunk,
         jsonb_build_object(
           'tubeId', ins.tube_id, 'outcome', ins.outcome::text, 'recordedAt', ${iso("ins.recorded_at")}, 'agencyId', $2::text,
           'pooled', moved.capacity > 1,
           'persons', coalesce((SELECT jsonb_agg(jsonb_build_object('personId', s.person_id, 'swabbedAt', ${iso("s.swabbed_at")}) ORDER BY s.swabbed_at, s.person_id)
                                  FROM swab s WHERE s.tube_id = ins.tube_id), '[]'::jsonb)) AS item
    FROM ins JOIN moved ON moved.id = ins.tube_id
), events AS (
  INSERT INTO outbox_event (id, type, version, aggregate_id, payload)
  SELECT gen_random_uuid(), 'ResultsRecorded', 1, 'results:' || min(tube_id), jsonb_build_object('results', jsonb_agg(item ORDER BY tube_id))
    FROM items GROUP BY chunk
  RETURNING id
)
SELECT count(*)::int AS recorded, (extract(epoch FROM min(recorded_at)) * 1000)::float8 AS "recordedMs",
       CASE WHEN count(*) > 0 THEN (SELECT count(*) FROM pg_notify($5::text, ''))::int ELSE 0 END AS notified
  FROM ins`;
