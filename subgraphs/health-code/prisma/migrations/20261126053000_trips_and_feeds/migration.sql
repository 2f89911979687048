-- CreateTable
CREATE TABLE "trip" (
    "id" UUID NOT NULL,
    "person_id" TEXT NOT NULL,
    "district" TEXT NOT NULL,
    "arrived_at" TIMESTAMPTZ(3) NOT NULL,
    "left_at" TIMESTAMPTZ(3),
    "declared_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trip_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "risk_area" (
    "id" UUID NOT NULL,
    "district" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "from_at" TIMESTAMPTZ(3) NOT NULL,
    "to_at" TIMESTAMPTZ(3) NOT NULL,
    "feed_ref" TEXT NOT NULL,
    "posted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "risk_area_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "trip_district_arrived_at_idx" ON "trip"("district", "arrived_at");

-- CreateIndex
CREATE INDEX "trip_person_id_idx" ON "trip"("person_id");

-- CreateIndex
CREATE UNIQUE INDEX "risk_area_district_level_from_at_to_at_key" ON "risk_area"("district", "level", "from_at", "to_at");
