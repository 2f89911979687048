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
