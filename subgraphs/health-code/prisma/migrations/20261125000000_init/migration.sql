-- CreateEnum
CREATE TYPE "DocumentType" AS ENUM ('CITIZEN_ID', 'PASSPORT', 'HK_MACAO_PERMIT', 'TAIWAN_PERMIT', 'FOREIGN_PERMANENT_RESIDENCE');

-- CreateEnum
CREATE TYPE "Sex" AS ENUM ('M', 'F');

-- CreateEnum
CREATE TYPE "CauseKind" AS ENUM ('CENTRAL_QUARANTINE', 'HOME_OBSERVATION', 'POPUP_TRAVEL', 'POPUP_RISK_POINT', 'POPUP_MEDICINE');

-- CreateTable
CREATE TABLE "resident" (
    "person_id" TEXT NOT NULL,
    "document_type" "DocumentType" NOT NULL,
    "document_number" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "phone" TEXT,
    "birth_date" DATE NOT NULL,
    "sex" "Sex",
    "district" TEXT NOT NULL,
    "community" TEXT NOT NULL,
    "address_detail" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "resident_pkey" PRIMARY KEY ("person_id")
);

-- CreateTable
CREATE TABLE "status_cause" (
    "id" TEXT NOT NULL,
    "person_id" TEXT NOT NULL,
    "kind" "CauseKind" NOT NULL,
    "detail" TEXT NOT NULL,
    "raised_at" TIMESTAMP(3) NOT NULL,
    "cleared_at" TIMESTAMP(3),
    "cleared_reason" TEXT,

    CONSTRAINT "status_cause_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "proxy_binding" (
    "id" TEXT NOT NULL,
    "guardian_id" TEXT NOT NULL,
    "ward_id" TEXT NOT NULL,
    "relation" TEXT NOT NULL,
    "face_verified_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "proxy_binding_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "resident_community_idx" ON "resident"("community");

-- CreateIndex
CREATE UNIQUE INDEX "resident_document_type_document_number_key" ON "resident"("document_type", "document_number");

-- CreateIndex
CREATE INDEX "status_cause_person_id_idx" ON "status_cause"("person_id");

-- CreateIndex
CREATE INDEX "proxy_binding_ward_id_idx" ON "proxy_binding"("ward_id");

-- CreateIndex
CREATE UNIQUE INDEX "proxy_binding_guardian_id_ward_id_key" ON "proxy_binding"("guardian_id", "ward_id");

-- AddForeignKey
ALTER TABLE "status_cause" ADD CONSTRAINT "status_cause_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "resident"("person_id") ON DELETE RESTRICT ON UPDATE CASCADE;
