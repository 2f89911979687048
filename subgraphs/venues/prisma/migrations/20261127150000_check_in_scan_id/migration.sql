-- A visitor's app may name each scan with an id of its own (checkIn's scanId): sent again after an
-- answer that never came (the gateway's outcome UNKNOWN), the same id answers the check-in already
-- made instead of recording a second visit. Unique per person, and only where an id was sent:
-- scans without one add no entry to this index.
ALTER TABLE "check_in" ADD COLUMN "scan_id" TEXT;

CREATE UNIQUE INDEX "check_in_person_id_scan_id_key" ON "check_in" ("person_id", "scan_id") WHERE "scan_id" IS NOT NULL;
