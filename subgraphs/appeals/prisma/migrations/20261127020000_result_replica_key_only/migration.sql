-- Evidence is checked by (tube, person), the primary key; nothing reads the replica by person
-- alone. Its person index cost about a third of each ResultsRecorded batch's insert (5,000 rows:
-- 48 against 32 ms, median of 8, side by side), on every result the city records.
DROP INDEX "result_replica_person_id_idx";
