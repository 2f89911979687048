-- CreateEnum
CREATE TYPE "VenueKind" AS ENUM ('SHOP', 'MARKET', 'RESTAURANT', 'LIBRARY', 'OFFICE', 'TRANSPORT', 'HOSPITAL', 'TESTING_SITE', 'OTHER');

-- AlterTable
ALTER TABLE "venue" ADD COLUMN "kind" "VenueKind" NOT NULL DEFAULT 'OTHER';

-- AlterTable
ALTER TABLE "register" ADD COLUMN "suspended_by" TEXT,
ADD COLUMN "suspended_at" TIMESTAMP(3),
ADD COLUMN "deleted_at" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "registrar" (
    "venue_id" TEXT NOT NULL,
    "person_id" TEXT NOT NULL,
    "added_by" TEXT,
    "added_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "registrar_pkey" PRIMARY KEY ("venue_id","person_id")
);

-- CreateTable
CREATE TABLE "exposure_notice" (
    "case_id" TEXT NOT NULL,
    "person_id" TEXT NOT NULL,
    "report_id" TEXT NOT NULL,
    "venue_id" TEXT NOT NULL,
    "noted_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "exposure_notice_pkey" PRIMARY KEY ("case_id","person_id")
);

-- CreateTable
CREATE TABLE "exposure_search_audit" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "role" TEXT NOT NULL,
    "viewer_id" TEXT,
    "purpose" TEXT,
    "case_id" TEXT,
    "track" JSONB NOT NULL,
    "persons" INTEGER NOT NULL,

    CONSTRAINT "exposure_search_audit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "register_deleted_at_idx" ON "register"("deleted_at");

-- CreateIndex
CREATE INDEX "registrar_person_id_idx" ON "registrar"("person_id");

-- CreateIndex
CREATE INDEX "exposure_search_audit_at_idx" ON "exposure_search_audit"("at");

-- AddForeignKey
ALTER TABLE "registrar" ADD CONSTRAINT "registrar_venue_id_fkey" FOREIGN KEY ("venue_id") REFERENCES "venue"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Registrars existed only as the holders of registers: each becomes a registrar row of that venue.
INSERT INTO "registrar" ("venue_id", "person_id") SELECT DISTINCT "venue_id", "registrar_id" FROM "register" ON CONFLICT DO NOTHING;
