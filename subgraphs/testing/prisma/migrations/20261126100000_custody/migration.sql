-- Chain of custody (seed 001): box and tube states, every step with who and when, the lab member
-- who recorded a result, how a person was identified, and used testing codes (replay refused).

-- CreateEnum
CREATE TYPE "TubeStatus" AS ENUM ('COLLECTED', 'IN_TRANSIT', 'RECEIVED', 'TESTING', 'RESULTED', 'REJECTED');

-- CreateEnum
CREATE TYPE "BoxStatus" AS ENUM ('OPEN', 'SEALED', 'IN_TRANSIT', 'RECEIVED');

-- AlterTable
ALTER TABLE "transport_box" ADD COLUMN "status" "BoxStatus" NOT NULL DEFAULT 'OPEN';

-- AlterTable
ALTER TABLE "sample_tube" ADD COLUMN "status" "TubeStatus" NOT NULL DEFAULT 'COLLECTED';

-- AlterTable
ALTER TABLE "swab" ADD COLUMN "method" TEXT NOT NULL DEFAULT 'DOCUMENT';

-- AlterTable
ALTER TABLE "test_result" ADD COLUMN "recorded_by" TEXT;

-- Tubes that already have a result are resulted.
UPDATE "sample_tube" SET "status" = 'RESULTED' WHERE "id" IN (SELECT "tube_id" FROM "test_result");

-- CreateIndex
CREATE INDEX "test_result_recorded_at_idx" ON "test_result"("recorded_at");

-- CreateTable
CREATE TABLE "custody_step" (
    "id" UUID NOT NULL,
    "box_id" TEXT NOT NULL,
    "tube_id" TEXT,
    "step" TEXT NOT NULL,
    "actor_role" TEXT NOT NULL,
    "actor_id" TEXT,
    "detail" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "custody_step_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "custody_step_box_id_at_idx" ON "custody_step"("box_id", "at");

-- CreateIndex
CREATE INDEX "custody_step_tube_id_at_idx" ON "custody_step"("tube_id", "at");

-- CreateTable
CREATE TABLE "testing_code_use" (
    "code_id" TEXT NOT NULL,
    "person_id" TEXT NOT NULL,
    "swab_id" TEXT NOT NULL,
    "used_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "testing_code_use_pkey" PRIMARY KEY ("code_id")
);

-- The chain of custody is append-only.
CREATE FUNCTION "custody_step_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'custody_step is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "custody_step_no_update_delete" BEFORE UPDATE OR DELETE ON "custody_step"
  FOR EACH ROW EXECUTE FUNCTION "custody_step_append_only"();
