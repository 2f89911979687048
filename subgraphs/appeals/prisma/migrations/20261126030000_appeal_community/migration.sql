-- The person's community as health-code's StatusChanged events carry it: an appeal's community
-- is taken from here, never from the appellant.
ALTER TABLE "cause_replica_person" ADD COLUMN "community" TEXT;
