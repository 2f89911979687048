-- applyForRegister and createRegister may name their request with a key of the app's own
-- (requestKey): sent again after an answer that never came (the gateway's outcome UNKNOWN), the
-- same key answers the register already opened instead of opening a second one (and, for an
-- application, a second venue). One row per person and key: the register it opened and a digest
-- of what was asked, so the same key with other details is refused. Purged with its register.
CREATE TABLE "register_request" (
    "person_id" TEXT NOT NULL,
    "request_key" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "register_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "register_request_pkey" PRIMARY KEY ("person_id","request_key")
);

CREATE INDEX "register_request_register_id_idx" ON "register_request"("register_id");

ALTER TABLE "register_request" ADD CONSTRAINT "register_request_register_id_fkey" FOREIGN KEY ("register_id") REFERENCES "register"("id") ON DELETE CASCADE ON UPDATE CASCADE;
