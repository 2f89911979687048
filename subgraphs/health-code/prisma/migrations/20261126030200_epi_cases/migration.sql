-- Open epidemiological cases (kernel/privacy/cases.ts): the registry in health-code, a replica
-- fed by CaseRegistryChanged elsewhere. An epidemiologist's purpose must name an open case.

-- CreateTable
CREATE TABLE "epi_case" (
    "reference" TEXT NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "epi_case_pkey" PRIMARY KEY ("reference")
);
