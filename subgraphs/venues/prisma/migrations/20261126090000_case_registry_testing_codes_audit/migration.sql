-- Open epidemiological cases (kernel/privacy/cases.ts): a replica of health-code's registry, fed
-- by CaseRegistryChanged. An exposure search names an open case; a purpose must be one.

-- CreateTable
CREATE TABLE "epi_case" (
    "reference" TEXT NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "epi_case_pkey" PRIMARY KEY ("reference")
);

-- Testing codes scanned by registrars: a retry at the same register is the same check-in, a code
-- used at more registers than the policy allows is a replay.

-- CreateTable
CREATE TABLE "testing_code_use" (
    "code_id" TEXT NOT NULL,
    "register_id" TEXT NOT NULL,
    "check_in_id" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "testing_code_use_pkey" PRIMARY KEY ("code_id","register_id")
);

-- CreateIndex
CREATE INDEX "testing_code_use_expires_at_idx" ON "testing_code_use"("expires_at");

-- The append-only audit log of reads of another person's data (kernel/privacy/audit.ts): an
-- officer's suspension reason describes the register's registrar.

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
    "request_id" TEXT,

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
