-- CreateTable
CREATE TABLE "cause_replica" (
    "cause_id" TEXT NOT NULL,
    "person_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "open" BOOLEAN NOT NULL,

    CONSTRAINT "cause_replica_pkey" PRIMARY KEY ("cause_id")
);

-- CreateTable
CREATE TABLE "cause_replica_person" (
    "person_id" TEXT NOT NULL,
    "as_of" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cause_replica_person_pkey" PRIMARY KEY ("person_id")
);

-- CreateIndex
CREATE INDEX "cause_replica_person_id_idx" ON "cause_replica"("person_id");
