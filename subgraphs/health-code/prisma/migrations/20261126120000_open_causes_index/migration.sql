-- The status look-up (the hottest query of the system) reads a person's open causes:
-- WHERE person_id IN (...) AND cleared_at IS NULL. With (person_id) alone every cleared cause
-- of the person's history was fetched from the table and filtered out, so the read grew with
-- the person's history; with (person_id, cleared_at) the IS NULL is an index condition and only
-- open causes are fetched. The new index still serves the foreign key's look-ups by person_id.

-- DropIndex
DROP INDEX "status_cause_person_id_idx";

-- CreateIndex
CREATE INDEX "status_cause_person_id_cleared_at_idx" ON "status_cause"("person_id", "cleared_at");
