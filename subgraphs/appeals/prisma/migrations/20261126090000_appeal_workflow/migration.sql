-- The appeal workflow (issue 15): reason codes, contact phone, guardians, the state machine with
-- every transition stored, attachments' metadata, SLA escalation, and the replicas that filing
-- checks evidence and guardianship against. New enum values are not used in this script (PostgreSQL
-- refuses a value added in the same transaction).

-- AlterEnum
ALTER TYPE "AppealStatus" ADD VALUE 'UNDER_REVIEW';
ALTER TYPE "AppealStatus" ADD VALUE 'EVIDENCE_REQUESTED';
ALTER TYPE "AppealStatus" ADD VALUE 'AUTO_RESOLVED';
ALTER TYPE "EvidenceKind" ADD VALUE 'TRIP_DECLARATION';

-- CreateEnum
CREATE TYPE "AppealReasonCode" AS ENUM ('WRONG_MEDICINE_CLASS', 'NEVER_AT_RISK_POINT', 'LOW_RISK_TRIP', 'OTHER');

-- AlterTable
ALTER TABLE "appeal" ADD COLUMN "reason_code" "AppealReasonCode" NOT NULL DEFAULT 'OTHER',
ADD COLUMN "contact_phone" TEXT,
ADD COLUMN "filed_by" TEXT,
ADD COLUMN "district" TEXT,
ADD COLUMN "assigned_to" TEXT,
ADD COLUMN "evidence_request" TEXT,
ADD COLUMN "community_report_at" TIMESTAMPTZ(3),
ADD COLUMN "commitment_letter_at" TIMESTAMPTZ(3),
ADD COLUMN "escalated_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "cause_replica_person" ADD COLUMN "district" TEXT;

-- CreateTable
CREATE TABLE "appeal_transition" (
    "id" UUID NOT NULL,
    "appeal_id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "from_status" "AppealStatus",
    "to_status" "AppealStatus" NOT NULL,
    "actor_role" TEXT NOT NULL,
    "actor_id" TEXT,
    "note" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "appeal_transition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "attachment" (
    "id" UUID NOT NULL,
    "appeal_id" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "media_type" TEXT NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "added_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "attachment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "result_replica" (
    "tube_id" TEXT NOT NULL,
    "person_id" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "swabbed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "result_replica_pkey" PRIMARY KEY ("tube_id","person_id")
);

-- CreateTable
CREATE TABLE "ward_replica" (
    "guardian_id" TEXT NOT NULL,
    "ward_id" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL,
    "as_of" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ward_replica_pkey" PRIMARY KEY ("guardian_id","ward_id")
);

-- CreateIndex
CREATE INDEX "appeal_district_status_idx" ON "appeal"("district", "status");

-- CreateIndex
CREATE INDEX "appeal_transition_appeal_id_at_idx" ON "appeal_transition"("appeal_id", "at");

-- CreateIndex
CREATE INDEX "attachment_appeal_id_idx" ON "attachment"("appeal_id");

-- CreateIndex
CREATE INDEX "result_replica_person_id_idx" ON "result_replica"("person_id");

-- AddForeignKey
ALTER TABLE "appeal_transition" ADD CONSTRAINT "appeal_transition_appeal_id_fkey" FOREIGN KEY ("appeal_id") REFERENCES "appeal"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attachment" ADD CONSTRAINT "attachment_appeal_id_fkey" FOREIGN KEY ("appeal_id") REFERENCES "appeal"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Append-only: a stored transition is never changed or removed (Prisma cannot express this).
CREATE FUNCTION "appeal_transition_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'appeal_transition is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "appeal_transition_no_update_delete" BEFORE UPDATE OR DELETE ON "appeal_transition"
  FOR EACH ROW EXECUTE FUNCTION "appeal_transition_append_only"();
