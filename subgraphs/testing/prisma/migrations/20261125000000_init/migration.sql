-- CreateEnum
CREATE TYPE "TestOutcome" AS ENUM ('NEGATIVE', 'POSITIVE', 'INVALID');

-- CreateTable
CREATE TABLE "agency" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "open_24h" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "agency_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sampling_site" (
    "id" TEXT NOT NULL,
    "agency_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "district" TEXT NOT NULL,
    "community" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "pooled" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "sampling_site_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "transport_box" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "site_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "transport_box_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sample_tube" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "box_id" TEXT NOT NULL,
    "capacity" INTEGER NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sample_tube_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "swab" (
    "id" TEXT NOT NULL,
    "tube_id" TEXT NOT NULL,
    "person_id" TEXT NOT NULL,
    "document_type" TEXT NOT NULL,
    "document_masked" TEXT NOT NULL,
    "phone" TEXT,
    "sampler_id" TEXT,
    "swabbed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "swab_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "test_result" (
    "id" TEXT NOT NULL,
    "tube_id" TEXT NOT NULL,
    "outcome" "TestOutcome" NOT NULL,
    "agency_id" TEXT NOT NULL,
    "recorded_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "test_result_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "agency_code_key" ON "agency"("code");

-- CreateIndex
CREATE INDEX "sampling_site_agency_id_idx" ON "sampling_site"("agency_id");

-- CreateIndex
CREATE UNIQUE INDEX "transport_box_code_key" ON "transport_box"("code");

-- CreateIndex
CREATE INDEX "transport_box_site_id_idx" ON "transport_box"("site_id");

-- CreateIndex
CREATE UNIQUE INDEX "sample_tube_code_key" ON "sample_tube"("code");

-- CreateIndex
CREATE INDEX "sample_tube_box_id_idx" ON "sample_tube"("box_id");

-- CreateIndex
CREATE INDEX "swab_person_id_swabbed_at_idx" ON "swab"("person_id", "swabbed_at");

-- CreateIndex
CREATE UNIQUE INDEX "swab_tube_id_person_id_key" ON "swab"("tube_id", "person_id");

-- CreateIndex
CREATE UNIQUE INDEX "test_result_tube_id_key" ON "test_result"("tube_id");

-- AddForeignKey
ALTER TABLE "sampling_site" ADD CONSTRAINT "sampling_site_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transport_box" ADD CONSTRAINT "transport_box_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sampling_site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sample_tube" ADD CONSTRAINT "sample_tube_box_id_fkey" FOREIGN KEY ("box_id") REFERENCES "transport_box"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "swab" ADD CONSTRAINT "swab_tube_id_fkey" FOREIGN KEY ("tube_id") REFERENCES "sample_tube"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "test_result" ADD CONSTRAINT "test_result_tube_id_fkey" FOREIGN KEY ("tube_id") REFERENCES "sample_tube"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
