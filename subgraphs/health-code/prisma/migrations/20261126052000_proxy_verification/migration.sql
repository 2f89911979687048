-- AlterTable
ALTER TABLE "proxy_binding" ADD COLUMN "verification_method" TEXT,
ADD COLUMN "evidence_ref" TEXT;
