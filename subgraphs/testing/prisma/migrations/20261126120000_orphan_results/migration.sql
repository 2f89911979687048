-- Orphan results (seed 000): results uploaded for a tube code that matches no tube, kept for the
-- agency to resolve onto the right tube.

-- CreateTable
CREATE TABLE "orphan_result" (
    "id" UUID NOT NULL,
    "agency_id" TEXT NOT NULL,
    "tube_code" TEXT NOT NULL,
    "outcome" "TestOutcome" NOT NULL,
    "uploaded_by" TEXT,
    "uploaded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),
    "resolved_by" TEXT,
    "resolved_tube_id" TEXT,

    CONSTRAINT "orphan_result_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "orphan_result_agency_id_tube_code_key" ON "orphan_result"("agency_id", "tube_code");

-- Screening campaigns (seed 004): an area and a window; coverage is health-code's.
-- CreateTable
CREATE TABLE "campaign" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "district" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "campaign_pkey" PRIMARY KEY ("id")
);
