-- Registration orphans (seed 000): the scanned document number, encrypted, for a retention window,
-- and registrations whose person health-code does not know, with candidate residents.

-- CreateTable
CREATE TABLE "registration_document" (
    "swab_id" TEXT NOT NULL,
    "sealed" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "registration_document_pkey" PRIMARY KEY ("swab_id")
);

-- CreateIndex
CREATE INDEX "registration_document_expires_at_idx" ON "registration_document"("expires_at");

-- CreateTable
CREATE TABLE "orphan_registration" (
    "id" UUID NOT NULL,
    "swab_id" TEXT NOT NULL,
    "tube_id" TEXT NOT NULL,
    "site_id" TEXT NOT NULL,
    "agency_id" TEXT NOT NULL,
    "community" TEXT NOT NULL,
    "person_id" TEXT NOT NULL,
    "candidates" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "resolved_at" TIMESTAMPTZ(3),
    "resolved_by" TEXT,
    "resolved_role" TEXT,
    "resolved_person_id" TEXT,

    CONSTRAINT "orphan_registration_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "orphan_registration_swab_id_key" ON "orphan_registration"("swab_id");

-- CreateIndex
CREATE INDEX "orphan_registration_agency_id_created_at_idx" ON "orphan_registration"("agency_id", "created_at");

-- CreateIndex
CREATE INDEX "orphan_registration_community_created_at_idx" ON "orphan_registration"("community", "created_at");
