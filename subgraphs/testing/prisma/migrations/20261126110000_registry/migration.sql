-- The registry (issue 13 item 1): agencies' licence, labs, pooled testing and daily capacity;
-- sites' opening hours, walk-ins and 24-hour service, searchable by district.

-- AlterTable
ALTER TABLE "agency" ADD COLUMN "licence_number" TEXT,
ADD COLUMN "labs" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN "pooled_testing" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "daily_capacity" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "sampling_site" ADD COLUMN "opening_hours" TEXT,
ADD COLUMN "walk_ins" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN "open_24h" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "sampling_site_district_idx" ON "sampling_site"("district");

-- CreateTable
CREATE TABLE "staff_binding" (
    "id" UUID NOT NULL,
    "person_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "site_id" TEXT,
    "agency_id" TEXT,
    "bound_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "staff_binding_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "staff_binding_person_id_role_idx" ON "staff_binding"("person_id", "role");
