-- The append-only audit log of full disclosures (here: appeals' free text read in full by someone other
-- than its author), as in health-code and testing (kernel/privacy/audit.ts).

-- CreateTable
CREATE TABLE "disclosure_audit" (
    "id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "viewer_id" TEXT,
    "role" TEXT NOT NULL,
    "purpose" TEXT,
    "person_id" TEXT NOT NULL,
    "fields" TEXT[],
    "operation" TEXT,

    CONSTRAINT "disclosure_audit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "disclosure_audit_at_idx" ON "disclosure_audit"("at");

-- CreateIndex
CREATE INDEX "disclosure_audit_person_id_idx" ON "disclosure_audit"("person_id");

-- Append-only: nothing may change or remove a record, whoever asks (Prisma cannot express this).
CREATE FUNCTION "disclosure_audit_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'disclosure_audit is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "disclosure_audit_no_update_delete" BEFORE UPDATE OR DELETE ON "disclosure_audit"
  FOR EACH ROW EXECUTE FUNCTION "disclosure_audit_append_only"();

CREATE TRIGGER "disclosure_audit_no_truncate" BEFORE TRUNCATE ON "disclosure_audit"
  FOR EACH STATEMENT EXECUTE FUNCTION "disclosure_audit_append_only"();
