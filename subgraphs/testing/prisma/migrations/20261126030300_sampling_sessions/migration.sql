-- Sampling sessions and the look-up log (subgraphs/testing/sessions.ts): registration answers only
-- inside a sampler's open session at their own site, and every attempt is logged, append-only.

-- CreateTable
CREATE TABLE "sampling_session" (
    "id" TEXT NOT NULL,
    "site_id" TEXT NOT NULL,
    "sampler_id" TEXT NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closes_at" TIMESTAMPTZ(3) NOT NULL,
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "sampling_session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sample_lookup" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sampler_id" TEXT NOT NULL,
    "site_id" TEXT NOT NULL,
    "session_id" TEXT,
    "person_id" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,

    CONSTRAINT "sample_lookup_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sampling_session_sampler_id_site_id_idx" ON "sampling_session"("sampler_id", "site_id");

-- CreateIndex
CREATE INDEX "sample_lookup_sampler_id_at_idx" ON "sample_lookup"("sampler_id", "at");

-- CreateIndex
CREATE INDEX "sample_lookup_at_idx" ON "sample_lookup"("at");

-- Append-only, like disclosure_audit.
CREATE FUNCTION "sample_lookup_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'sample_lookup is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "sample_lookup_no_update_delete" BEFORE UPDATE OR DELETE ON "sample_lookup"
  FOR EACH ROW EXECUTE FUNCTION "sample_lookup_append_only"();

CREATE TRIGGER "sample_lookup_no_truncate" BEFORE TRUNCATE ON "sample_lookup"
  FOR EACH STATEMENT EXECUTE FUNCTION "sample_lookup_append_only"();
