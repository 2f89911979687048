-- The latest check-ins of many persons (person_check_ins: a resident's checkIns(last:), on every
-- resident query) or registers (register_check_ins: a registrar's visitor list), each list cut to
-- `lim`, with each check-in's register and venue (subgraphs/venues/checkInLists.ts calls them).
--
-- Functions, for their plans, as testing's person_tests (migration
-- 20261127090000_person_tests_function): as a named statement PostgreSQL planned the query again
-- at every call, and planning was about two thirds of its cost (0.34-0.36 ms a call against
-- 0.12-0.14 ms with the plan kept, on 9,000 check-ins). PL/pgSQL keeps its statements' plans per
-- connection, and each function's settings (which hold only while it runs) make that plan the
-- generic one from the first call and fix its shape: sequential scans, hash and merge joins off,
-- so the plan walks the (key, checked_in_at) index, stops after `lim` rows and looks up each row's
-- register and venue by primary key, whatever the tables held when the connection made it. Made
-- while check-ins were many and registers and venues few (a new deployment's first busy venue),
-- without these settings it hashed sequential scans of register and venue, and kept doing so as
-- they grew (test/venues/checkInLists.test.ts); no JIT.
--
-- The query is the statement as it was. Timestamps (stored without a zone, meaning UTC) leave
-- AT TIME ZONE 'UTC', so no client reads them in its own zone. Rows leave in the order of the
-- keys, each list most recent first (the ORDER BY: a function's rows keep the order it returned
-- them in).

CREATE FUNCTION person_check_ins(keys text[], lim integer)
RETURNS TABLE (
  key text, id text, "registerId" text, "personId" text, "checkedInAt" timestamptz,
  "venueId" text, "registrarId" text, "registerCode" text, "registerLabel" text, "registerStatus" text,
  "suspendedReason" text, "suspendedBy" text, "suspendedAt" timestamptz, "deletedAt" timestamptz, "registerCreatedAt" timestamptz,
  "venueName" text, "venueKind" text, district text, community text, address text
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
  SELECT k.key, c.id, c.register_id, c.person_id, (c.checked_in_at AT TIME ZONE 'UTC'),
         r.venue_id, r.registrar_id, r.code, r.label, r.status::text, r.suspended_reason,
         r.suspended_by, (r.suspended_at AT TIME ZONE 'UTC'), (r.deleted_at AT TIME ZONE 'UTC'), (r.created_at AT TIME ZONE 'UTC'),
         v.name, v.kind::text, v.district, v.community, v.address
  FROM unnest(keys) WITH ORDINALITY AS k(key, ord)
  CROSS JOIN LATERAL (
    SELECT ci.id, ci.register_id, ci.person_id, ci.checked_in_at FROM check_in ci WHERE ci.person_id = k.key
    ORDER BY ci.checked_in_at DESC, ci.id DESC LIMIT lim
  ) c
  JOIN register r ON r.id = c.register_id
  JOIN venue v ON v.id = r.venue_id
  ORDER BY k.ord, c.checked_in_at DESC, c.id DESC;
END
$fn$;

CREATE FUNCTION register_check_ins(keys text[], lim integer)
RETURNS TABLE (
  key text, id text, "registerId" text, "personId" text, "checkedInAt" timestamptz,
  "venueId" text, "registrarId" text, "registerCode" text, "registerLabel" text, "registerStatus" text,
  "suspendedReason" text, "suspendedBy" text, "suspendedAt" timestamptz, "deletedAt" timestamptz, "registerCreatedAt" timestamptz,
  "venueName" text, "venueKind" text, district text, community text, address text
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
  SELECT k.key, c.id, c.register_id, c.person_id, (c.checked_in_at AT TIME ZONE 'UTC'),
         r.venue_id, r.registrar_id, r.code, r.label, r.status::text, r.suspended_reason,
         r.suspended_by, (r.suspended_at AT TIME ZONE 'UTC'), (r.deleted_at AT TIME ZONE 'UTC'), (r.created_at AT TIME ZONE 'UTC'),
         v.name, v.kind::text, v.district, v.community, v.address
  FROM unnest(keys) WITH ORDINALITY AS k(key, ord)
  CROSS JOIN LATERAL (
    SELECT ci.id, ci.register_id, ci.person_id, ci.checked_in_at FROM check_in ci WHERE ci.register_id = k.key
    ORDER BY ci.checked_in_at DESC, ci.id DESC LIMIT lim
  ) c
  JOIN register r ON r.id = c.register_id
  JOIN venue v ON v.id = r.venue_id
  ORDER BY k.ord, c.checked_in_at DESC, c.id DESC;
END
$fn$;
