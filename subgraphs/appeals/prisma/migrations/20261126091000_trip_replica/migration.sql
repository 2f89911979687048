-- Health-code's trip declarations (TripDeclared events), against which an appeal's
-- TRIP_DECLARATION evidence is checked.

-- CreateTable
CREATE TABLE "trip_replica" (
    "trip_id" TEXT NOT NULL,
    "person_id" TEXT NOT NULL,

    CONSTRAINT "trip_replica_pkey" PRIMARY KEY ("trip_id")
);

-- CreateIndex
CREATE INDEX "trip_replica_person_id_idx" ON "trip_replica"("person_id");
