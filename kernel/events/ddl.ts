// The event tables' DDL, read from schema.sql (its one source), for tests and tools that need the
// tables without migrations; silos copy schema.sql into a migration of their own.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Sql } from "../db/sql";

/** The DDL of `outbox_event` and `processed_event`, exactly as Prisma would migrate the models. */
export const EVENTS_DDL = readFileSync(join(__dirname, "schema.sql"), "utf8");

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
