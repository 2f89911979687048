// Applies a silo's Prisma migrations without Prisma's native engine (which cannot be downloaded
// on every machine), in Prisma's own `_prisma_migrations` format, so `prisma migrate deploy` on a
// machine with the engine sees the same history and treats these migrations as applied.
import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";

/** What the runner needs of one database connection. */
export interface MigrationTarget {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs a whole script as one simple query (one implicit transaction on PostgreSQL). */
  exec(script: string): Promise<void>;
  /** Serialises migrators (Prisma's advisory lock); a no-op on a single-connection database. */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
}

export interface Migration {
  name: string;
  script: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(
    readonly code: "P3005" | "P3009" | "CHECKSUM" | "FAILED",
    message: string,
  ) {
    super(message);
    this.name = "MigrationError";
  }
}

/** Prisma's advisory lock id for migrations (from prisma-engines). */
export const PRISMA_MIGRATION_LOCK_ID = 72707369;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** Reads `<dir>/<timestamp>_<name>/migration.sql` in name order. */
export function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, "migration.sql")))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const script = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, script, checksum: createHash("sha256").update(script).digest("hex") };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

async function userTableCount(db: MigrationTarget): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'`,
  );
  return rows[0]?.n ?? 0;
}

/** Applies every pending migration; returns the names applied. */
export async function applyMigrations(db: MigrationTarget, migrations: Migration[]): Promise<string[]> {
  return db.withLock(async () => {
    const hasTable = await db.query(
      `SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '_prisma_migrations'`,
    );
    if (hasTable.length === 0 && (await userTableCount(db)) > 0) {
      throw new MigrationError("P3005", "The database schema is not empty and has no migration history: baseline it before deploying migrations.");
    }
    await db.exec(CREATE_TABLE);
    const rows = await db.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY started_at`,
    );
    const failed = rows.find((r) => r.finished_at === null);
    if (failed) {
      throw new MigrationError("P3009", `Migration ${failed.migration_name} failed earlier: resolve it (prisma migrate resolve) before deploying again.`);
    }
    const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    const done: string[] = [];
    for (const m of migrations) {
      const checksum = applied.get(m.name);
      if (checksum !== undefined) {
        if (checksum !== m.checksum) throw new MigrationError("CHECKSUM", `Migration ${m.name} was changed after it was applied: add a new migration instead.`);
        continue;
      }
      await applyOne(db, m);
      done.push(m.name);
    }
    return done;
  });
}

async function applyOne(db: MigrationTarget, m: Migration): Promise<void> {
  const id = randomUUID();
  await db.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`, [id, m.checksum, m.name]);
  try {
    await db.exec(m.script);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await db.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, message]);
    throw new MigrationError("FAILED", `Migration ${m.name} failed: ${message}`);
  }
  await db.query(`UPDATE "_prisma_migrations" SET applied_steps_count = applied_steps_count + 1, finished_at = now() WHERE id = $1`, [id]);
}
