-- AlterEnum (the new values are not used in this script: PostgreSQL allows ADD VALUE in a
-- transaction only when the value is not used before commit)
ALTER TYPE "CauseKind" ADD VALUE 'POOLED_POSITIVE';
ALTER TYPE "CauseKind" ADD VALUE 'CASE';
ALTER TYPE "CauseKind" ADD VALUE 'CLOSE_CONTACT';

-- AlterTable
ALTER TABLE "status_cause" ADD COLUMN "raised_by_role" TEXT,
ADD COLUMN "raised_by" TEXT,
ADD COLUMN "evidence_ref" TEXT,
ADD COLUMN "cleared_by_role" TEXT,
ADD COLUMN "cleared_by" TEXT;

-- CreateTable
CREATE TABLE "clearing_step" (
    "id" TEXT NOT NULL,
    "cause_id" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "evidence_ref" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "recorded_by_role" TEXT NOT NULL,
    "recorded_by" TEXT,

    CONSTRAINT "clearing_step_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "test_record" (
    "tube_id" TEXT NOT NULL,
    "person_id" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "pooled" BOOLEAN,
    "swabbed_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "test_record_pkey" PRIMARY KEY ("tube_id","person_id")
);

-- CreateTable
CREATE TABLE "status_change" (
    "id" UUID NOT NULL,
    "person_id" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "from_colour" TEXT NOT NULL,
    "to_colour" TEXT NOT NULL,
    "change" TEXT NOT NULL,
    "cause_id" TEXT,
    "cause_kind" TEXT,
    "reason" TEXT NOT NULL,
    "actor_role" TEXT,
    "actor_id" TEXT,

    CONSTRAINT "status_change_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "clearing_step_cause_id_step_key" ON "clearing_step"("cause_id", "step");

-- CreateIndex
CREATE INDEX "test_record_person_id_swabbed_at_idx" ON "test_record"("person_id", "swabbed_at");

-- CreateIndex
CREATE INDEX "status_change_person_id_at_idx" ON "status_change"("person_id", "at");

-- AddForeignKey
ALTER TABLE "clearing_step" ADD CONSTRAINT "clearing_step_cause_id_fkey" FOREIGN KEY ("cause_id") REFERENCES "status_cause"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The history is append-only, like the disclosure audit: a change once recorded is never rewritten.
CREATE FUNCTION status_change_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'status_change is append-only';
END $$;
CREATE TRIGGER status_change_no_update BEFORE UPDATE OR DELETE ON "status_change"
  FOR EACH ROW EXECUTE FUNCTION status_change_append_only();
