-- CreateEnum
CREATE TYPE "AppealStatus" AS ENUM ('SUBMITTED', 'APPROVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "EvidenceKind" AS ENUM ('POPUP_SCREENSHOT', 'NEGATIVE_RESULT', 'COMMITMENT_LETTER', 'OTHER');

-- CreateTable
CREATE TABLE "appeal" (
    "id" TEXT NOT NULL,
    "person_id" TEXT NOT NULL,
    "cause_id" TEXT NOT NULL,
    "community" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" "AppealStatus" NOT NULL DEFAULT 'SUBMITTED',
    "submitted_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_at" TIMESTAMP(3),
    "decided_by" TEXT,
    "decision_note" TEXT,

    CONSTRAINT "appeal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "evidence" (
    "id" TEXT NOT NULL,
    "appeal_id" TEXT NOT NULL,
    "kind" "EvidenceKind" NOT NULL,
    "reference" TEXT NOT NULL,
    "added_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "evidence_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "appeal_person_id_idx" ON "appeal"("person_id");

-- CreateIndex
CREATE INDEX "appeal_community_status_idx" ON "appeal"("community", "status");

-- CreateIndex
CREATE INDEX "appeal_cause_id_idx" ON "appeal"("cause_id");

-- CreateIndex
CREATE INDEX "evidence_appeal_id_idx" ON "evidence"("appeal_id");

-- AddForeignKey
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_appeal_id_fkey" FOREIGN KEY ("appeal_id") REFERENCES "appeal"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
