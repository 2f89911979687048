// The event tables' DDL as a string (identical to schema.sql, which a test checks), for silos that
// build their migration from it and for tests and tools that need the tables without migrations.
import type { Sql } from "../db/sql";

/** The DDL of `outbox_event` and `processed_event`, exactly as Prisma would migrate the models. */
export const EVENTS_DDL = `
-- CreateTable
CREATE TABLE "outbox_event" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "aggregate_id" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "payload" JSONB NOT NULL,
    "published_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "outbox_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "processed_event" (
    "consumer" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_event_pkey" PRIMARY KEY ("consumer","event_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "outbox_event_seq_key" ON "outbox_event"("seq");

-- CreateIndex
CREATE INDEX "outbox_event_unpublished_idx" ON "outbox_event"("published_at", "seq");
`.trimStart();

/** The DDL split into single statements, each made idempotent with IF NOT EXISTS. */
export function eventsDdlStatements(): string[] {
  return EVENTS_DDL.split(";")
    .map((s) => s.replace(/^\s*--.*$/gm, "").trim())
    .filter((s) => s.length > 0)
    .map((s) => s.replace(/^CREATE (UNIQUE INDEX|INDEX|TABLE) /, "CREATE $1 IF NOT EXISTS "));
}

/** Creates the event tables if they are missing (one statement at a time: PGlite and Prisma need that). */
export async function installEventTables(db: Sql): Promise<void> {
  for (const statement of eventsDdlStatements()) await db.query(statement);
}
