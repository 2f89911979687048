-- AlterTable
ALTER TABLE "resident" ADD COLUMN "household_district" TEXT,
ADD COLUMN "household_address" TEXT,
ADD COLUMN "updated_at" TIMESTAMP(3);
