// The migration runner (kernel/db/migrate.ts): Prisma's `_prisma_migrations` history written in
// Prisma's own format, idempotent re-runs, and Prisma's refusals (changed checksum, P3009 after a
// failed migration, P3005 on a non-empty database without history). On PGlite for every case,
// and on PostgreSQL (services mode) for the advisory lock between concurrent migrators.
import { createHash } from "node:crypto";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Client } from "pg";
import { applyMigrations, readMigrations, MigrationError, type MigrationTarget } from "../../kernel/db/migrate";
import { migratePostgres } from "../../kernel/db/open";
import { createTestDatabase, TEST_DATABASE_URL } from "../support/services";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface HistoryRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

function pgliteTarget(db: PGlite): MigrationTarget {
  return {
    query: async (text, params) => (await db.query<never>(text, params as unknown[])).rows,
    exec: async (script) => void (await db.exec(script)),
    withLock: (fn) => fn(),
  };
}

const tempDirs: string[] = [];
const databases: PGlite[] = [];

/** A fresh migrations directory holding `<name>/migration.sql` for each entry. */
function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "hg-migrate-"));
  tempDirs.push(dir);
  for (const [name, script] of Object.entries(files)) writeMigration(dir, name, script);
  return dir;
}
function writeMigration(dir: string, name: string, script: string): void {
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, "migration.sql"), script);
}
function freshDb(): { db: PGlite; target: MigrationTarget } {
  const db = new PGlite();
  databases.push(db);
  return { db, target: pgliteTarget(db) };
}
async function history(db: PGlite): Promise<HistoryRow[]> {
  return (await db.query<HistoryRow>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`)).rows;
}
async function tableExists(db: PGlite, name: string): Promise<boolean> {
  const rows = (await db.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`, [name])).rows;
  return rows.length === 1;
}
/** Runs `fn` and returns the MigrationError it must throw. */
async function migrationError(fn: () => Promise<unknown>): Promise<MigrationError> {
  const err = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MigrationError);
  return err as MigrationError;
}

const FIRST = `-- CreateTable
CREATE TABLE "widget" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    CONSTRAINT "widget_pkey" PRIMARY KEY ("id")
);
`;
const SECOND = `-- AddColumn
ALTER TABLE "widget" ADD COLUMN "colour" TEXT;
CREATE INDEX "widget_colour_idx" ON "widget"("colour");
`;
const THIRD = `CREATE TABLE "gadget" ("id" TEXT PRIMARY KEY);\n`;

afterAll(async () => {
  for (const db of databases) if (!db.closed) await db.close();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe("migration runner on PGlite", () => {
  test("applies every migration once, in name order, with history rows in Prisma's format", async () => {
    const dir = migrationsDir({ "20260101000000_init": FIRST, "20260102000000_colour": SECOND });
    const { db, target } = freshDb();
    const before = Date.now();
    const applied = await applyMigrations(target, readMigrations(dir));
    expect(applied).toEqual(["20260101000000_init", "20260102000000_colour"]);
    expect(await tableExists(db, "widget")).toBe(true);
    const columns = (await db.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'widget' ORDER BY ordinal_position`)).rows;
    expect(columns.map((c) => c.column_name)).toEqual(["id", "name", "colour"]);

    const rows = await history(db);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const file = readFileSync(join(dir, row.migration_name, "migration.sql"), "utf8");
      expect(row.id).toMatch(UUID);
      expect(row.checksum).toBe(createHash("sha256").update(file).digest("hex"));
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.started_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.started_at.getTime()).toBeGreaterThanOrEqual(before - 60_000);
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
    }
    expect(new Set(rows.map((r) => r.id)).size).toBe(2);
  });

  test("the history table has Prisma's columns and types", async () => {
    const dir = migrationsDir({ "20260101000000_init": FIRST });
    const { db, target } = freshDb();
    await applyMigrations(target, readMigrations(dir));
    const columns = (
      await db.query<{ column_name: string; data_type: string; character_maximum_length: number | null; is_nullable: string }>(
        `SELECT column_name, data_type, character_maximum_length, is_nullable FROM information_schema.columns
          WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      )
    ).rows;
    expect(columns).toEqual([
      { column_name: "id", data_type: "character varying", character_maximum_length: 36, is_nullable: "NO" },
      { column_name: "checksum", data_type: "character varying", character_maximum_length: 64, is_nullable: "NO" },
      { column_name: "finished_at", data_type: "timestamp with time zone", character_maximum_length: null, is_nullable: "YES" },
      { column_name: "migration_name", data_type: "character varying", character_maximum_length: 255, is_nullable: "NO" },
      { column_name: "logs", data_type: "text", character_maximum_length: null, is_nullable: "YES" },
      { column_name: "rolled_back_at", data_type: "timestamp with time zone", character_maximum_length: null, is_nullable: "YES" },
      { column_name: "started_at", data_type: "timestamp with time zone", character_maximum_length: null, is_nullable: "NO" },
      { column_name: "applied_steps_count", data_type: "integer", character_maximum_length: null, is_nullable: "NO" },
    ]);
  });

  test("a second run applies nothing; a later migration is applied on its own", async () => {
    const dir = migrationsDir({ "20260101000000_init": FIRST, "20260102000000_colour": SECOND });
    const { db, target } = freshDb();
    await applyMigrations(target, readMigrations(dir));
    const first = await history(db);

    expect(await applyMigrations(target, readMigrations(dir))).toEqual([]);
    expect(await history(db)).toEqual(first);

    writeMigration(dir, "20260103000000_gadget", THIRD);
    expect(await applyMigrations(target, readMigrations(dir))).toEqual(["20260103000000_gadget"]);
    const after = await history(db);
    expect(after.map((r) => r.migration_name)).toEqual(["20260101000000_init", "20260102000000_colour", "20260103000000_gadget"]);
    expect(after.slice(0, 2)).toEqual(first);
    expect(await tableExists(db, "gadget")).toBe(true);
  });

  test("reads only <dir>/<name>/migration.sql, in name order, with sha256 checksums of the file text", () => {
    const dir = migrationsDir({ "20260102000000_b": SECOND, "20260101000000_a": FIRST });
    writeFileSync(join(dir, "migration_lock.toml"), 'provider = "postgresql"\n');
    mkdirSync(join(dir, "20260103000000_empty_folder"));
    const migrations = readMigrations(dir);
    expect(migrations.map((m) => m.name)).toEqual(["20260101000000_a", "20260102000000_b"]);
    expect(migrations[0]!.script).toBe(FIRST);
    expect(migrations[0]!.checksum).toBe(createHash("sha256").update(FIRST).digest("hex"));
    expect(readMigrations(join(dir, "does-not-exist"))).toEqual([]);
  });

  test("a migration changed after it was applied is refused (CHECKSUM) and nothing later is applied", async () => {
    const dir = migrationsDir({ "20260101000000_init": FIRST });
    const { db, target } = freshDb();
    await applyMigrations(target, readMigrations(dir));
    const before = await history(db);

    writeMigration(dir, "20260101000000_init", FIRST + "-- edited afterwards\n");
    writeMigration(dir, "20260102000000_colour", SECOND);
    const err = await migrationError(() => applyMigrations(target, readMigrations(dir)));
    expect(err.code).toBe("CHECKSUM");
    expect(err.message).toContain("20260101000000_init");
    expect(await history(db)).toEqual(before);
    const columns = (await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'widget' AND column_name = 'colour'`)).rows;
    expect(columns).toHaveLength(0);
  });

  test("a failing migration leaves a row with logs and no finished_at, and the next run is refused with P3009", async () => {
    const broken = `CREATE TABLE "half_done" ("id" TEXT PRIMARY KEY);\nSELECT no_such_function();\n`;
    const dir = migrationsDir({ "20260101000000_init": FIRST, "20260102000000_broken": broken, "20260103000000_gadget": THIRD });
    const { db, target } = freshDb();

    const err = await migrationError(() => applyMigrations(target, readMigrations(dir)));
    expect(err.code).toBe("FAILED");
    expect(err.message).toContain("20260102000000_broken");

    const rows = await history(db);
    expect(rows.map((r) => r.migration_name)).toEqual(["20260101000000_init", "20260102000000_broken"]);
    const failed = rows[1]!;
    expect(failed.finished_at).toBeNull();
    expect(failed.applied_steps_count).toBe(0);
    expect(failed.logs).toEqual(expect.stringContaining("no_such_function"));
    expect(failed.checksum).toBe(createHash("sha256").update(broken).digest("hex"));
    expect(failed.id).toMatch(UUID);
    // The script ran as one implicit transaction: its first statement did not stay behind.
    expect(await tableExists(db, "half_done")).toBe(false);
    // Nothing after the failed migration was applied.
    expect(await tableExists(db, "gadget")).toBe(false);

    const again = await migrationError(() => applyMigrations(target, readMigrations(dir)));
    expect(again.code).toBe("P3009");
    // Fixing the file is not enough: the failed migration must be resolved first, as with Prisma.
    writeMigration(dir, "20260102000000_broken", `CREATE TABLE "half_done" ("id" TEXT PRIMARY KEY);\n`);
    const still = await migrationError(() => applyMigrations(target, readMigrations(dir)));
    expect(still.code).toBe("P3009");
    expect(await history(db)).toEqual(rows);
  });

  test("a non-empty database without _prisma_migrations is refused with P3005 and left untouched", async () => {
    const dir = migrationsDir({ "20260101000000_init": FIRST });
    const { db, target } = freshDb();
    await db.exec(`CREATE TABLE "legacy" ("id" INTEGER PRIMARY KEY)`);
    const err = await migrationError(() => applyMigrations(target, readMigrations(dir)));
    expect(err.code).toBe("P3005");
    expect(await tableExists(db, "_prisma_migrations")).toBe(false);
    expect(await tableExists(db, "widget")).toBe(false);
  });

  test("an empty database with no migrations gets an empty history table", async () => {
    const { db, target } = freshDb();
    expect(await applyMigrations(target, [])).toEqual([]);
    expect(await history(db)).toEqual([]);
  });
});

(TEST_DATABASE_URL ? describe : describe.skip)("migration runner on PostgreSQL (services mode)", () => {
  const dir = join(__dirname, "..", "..", "subgraphs", "testing", "prisma", "migrations");
  let database: { url: string; drop(): Promise<void> } | undefined;

  beforeAll(async () => {
    database = await createTestDatabase("migrate");
  });
  afterAll(async () => {
    await database?.drop();
  });

  test("two concurrent migrators both succeed and each migration is applied exactly once", async () => {
    const url = database!.url;
    const names = readMigrations(dir).map((m) => m.name);
    expect(names.length).toBeGreaterThan(0);

    const [a, b] = await Promise.all([migratePostgres(url, dir), migratePostgres(url, dir)]);
    // The advisory lock serialises them: one applies everything, the other finds nothing to do.
    expect([...a!, ...b!].sort()).toEqual(names);
    expect([a, b]).toContainEqual([]);

    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const rows = (await client.query<{ migration_name: string; n: number; finished: number }>(
        `SELECT migration_name, count(*)::int AS n, count(finished_at)::int AS finished FROM "_prisma_migrations" GROUP BY migration_name ORDER BY migration_name`,
      )).rows;
      expect(rows).toEqual(names.map((name) => ({ migration_name: name, n: 1, finished: 1 })));
      // And a third run later is a no-op.
      expect(await migratePostgres(url, dir)).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
