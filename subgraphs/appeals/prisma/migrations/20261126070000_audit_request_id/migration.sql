-- The gateway's request id on each audit record, so a disclosure joins the request's log lines.

-- AlterTable
ALTER TABLE "disclosure_audit" ADD COLUMN "request_id" TEXT;
