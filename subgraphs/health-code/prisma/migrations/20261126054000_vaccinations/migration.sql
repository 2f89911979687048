-- CreateTable
CREATE TABLE "vaccination" (
    "id" UUID NOT NULL,
    "person_id" TEXT NOT NULL,
    "vaccine" TEXT NOT NULL,
    "dose" INTEGER NOT NULL,
    "administered_at" TIMESTAMPTZ(3) NOT NULL,
    "source_ref" TEXT NOT NULL,

    CONSTRAINT "vaccination_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "vaccination_source_ref_key" ON "vaccination"("source_ref");

-- CreateIndex
CREATE INDEX "vaccination_person_id_idx" ON "vaccination"("person_id");
