-- CreateTable
CREATE TABLE "risk_point_exposure" (
    "cause_id" TEXT NOT NULL,
    "person_id" TEXT NOT NULL,
    "venue_id" TEXT NOT NULL,
    "window_from" TIMESTAMPTZ(3) NOT NULL,
    "window_to" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "risk_point_exposure_pkey" PRIMARY KEY ("cause_id")
);

-- CreateIndex
CREATE INDEX "risk_point_exposure_lookup_idx" ON "risk_point_exposure"("person_id", "venue_id", "window_from", "window_to");
