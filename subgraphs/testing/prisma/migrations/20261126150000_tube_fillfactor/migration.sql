-- A tube's status changes five or six times in its life (collected, in transit, received, testing,
-- resulted), a bulk upload moving 10,000 tubes to RESULTED at once. With free space left in each
-- page those updates are heap-only (HOT): no new entry in the primary key, code and box indexes
-- per change. Applies to pages written from now on.
ALTER TABLE "sample_tube" SET (fillfactor = 70);
