-- A person's latest swabs (with their results and sites) and the time of their latest negative
-- result, for many persons in one call: the read behind Person.latestTest, negativeTest and the
-- health-code silo's @requires of latestNegativeResultAt, so it runs on every status read
-- (subgraphs/testing/personTests.ts calls it).
--
-- A function, for its plan. As a named statement PostgreSQL planned it again at every call (a
-- custom plan knows the key array's length and the LIMIT, and the generic plan never looked
-- cheaper), and planning was most of its cost: about 0.35-0.45 ms of a call's 0.4-0.6 ms on a
-- month-like history. PL/pgSQL keeps its statements' plans per connection, and this function's
-- settings (which hold only while it runs) make that plan the generic one and fix its shape:
-- - plan_cache_mode: the generic plan from the first call;
-- - enable_seqscan, enable_hashjoin, enable_mergejoin off: nested loops over indexes only. A plan
--   kept per connection is made on the tables as they are at that connection's first call. Made
--   while swabs were many and results few (registrations before the day's uploads), it hashed a
--   sequential scan of test_result, and kept doing so on every call as the table grew (16 ms a
--   call at 60,000 results). Every lookup here has its index (person, tube, box), so the only
--   plan left walks the person's history, whatever the tables' size or statistics;
-- - jit off: on large tables without statistics the estimates pass jit_above_cost, and compiling
--   costs tens of milliseconds a call.
--
-- The query, as it was: a LATERAL subquery per person walks the (person_id, swabbed_at) index and
-- stops after `lim` rows, and only those rows are joined to their tube, box and result (every swab
-- has its tube and box, so the rows are the same): swabs registered in one transaction share
-- swabbed_at, and sorting after the joins joined every swab of the tie. The latest negative is a
-- max over all the person's swabs, a result's time being unrelated to its swab's order; each
-- swab's result is looked up by its tube (a LATERAL with LIMIT 1, a tube having one result at
-- most), so the work follows the person's history and never the whole table. Timestamps (stored
-- without a zone, meaning UTC) leave AT TIME ZONE 'UTC', so no client reads them in its own zone.
-- Rows leave in the order of the keys, each person's swabs most recent first (the ORDER BY below:
-- a function's rows keep the order it returned them in).
CREATE FUNCTION person_tests(keys text[], lim integer)
RETURNS TABLE (
  key text, "latestNegativeAt" timestamptz,
  id text, "tubeId" text, "personId" text, "documentType" text, "documentMasked" text, phone text, "samplerId" text,
  "swabbedAt" timestamptz, "siteId" text, outcome text, "recordedAt" timestamptz
)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off
SET jit = off
AS $fn$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT k.key, (n.at AT TIME ZONE 'UTC') AS "latestNegativeAt",
         s.id, s.tube_id AS "tubeId", s.person_id AS "personId", s.document_type AS "documentType",
         s.document_masked AS "documentMasked", s.phone, s.sampler_id AS "samplerId", (s.swabbed_at AT TIME ZONE 'UTC') AS "swabbedAt",
         s.site_id AS "siteId", s.outcome::text AS "outcome", (s.recorded_at AT TIME ZONE 'UTC') AS "recordedAt"
  FROM unnest(keys) WITH ORDINALITY AS k(key, ord)
  LEFT JOIN LATERAL (
    SELECT max(r.recorded_at) AS at FROM swab sw
    CROSS JOIN LATERAL (
      SELECT tr.recorded_at FROM test_result tr WHERE tr.tube_id = sw.tube_id AND tr.outcome = 'NEGATIVE' LIMIT 1
    ) r
    WHERE sw.person_id = k.key
  ) n ON true
  LEFT JOIN LATERAL (
    SELECT sw.*, b.site_id, r.outcome, r.recorded_at
    FROM (SELECT * FROM swab WHERE person_id = k.key ORDER BY swabbed_at DESC, id DESC LIMIT lim) sw
    JOIN sample_tube t ON t.id = sw.tube_id
    JOIN transport_box b ON b.id = t.box_id
    LEFT JOIN test_result r ON r.tube_id = sw.tube_id
  ) s ON true
  ORDER BY k.ord, s.swabbed_at DESC, s.id DESC;
END
$fn$;
