// Opens a silo's database: PostgreSQL when a URL is configured (services mode), otherwise an
// embedded PGlite on disk (embedded mode) or in memory (tests). Migrations are applied before
// anything else touches it.
import { Client, Pool } from "pg";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { applyMigrations, readMigrations, PRISMA_MIGRATION_LOCK_ID, type MigrationTarget } from "./migrate";
import { pgDatabase, pgliteDatabase, type SqlDatabase } from "./sql";
import { listenPglite, listenPostgres, type Unlisten } from "./listen";

export type PrismaAdapter = PrismaPg | PrismaPGlite;

export interface SiloDatabase {
  kind: "postgres" | "pglite";
  /** Driver adapter for the silo's generated PrismaClient. */
  adapter: PrismaAdapter;
  /** Raw SQL for kernel code (outbox, processed events, health checks). */
  sql: SqlDatabase;
  /** Calls `onNotify` on every NOTIFY on `channel` (and after a lost connection comes back). */
  listen(channel: string, onNotify: () => void): Promise<Unlisten>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL connection string; when absent, PGlite is used. */
  url?: string;
  /** PGlite data directory; absent means in memory. */
  dataDir?: string;
  migrationsDir: string;
  poolSize?: number;
}

function pgMigrationTarget(client: Client): MigrationTarget {
  return {
    query: async (text, params) => (await client.query(text, params as unknown[])).rows,
    exec: async (script) => void (await client.query(script)),
    async withLock(fn) {
      await client.query("SET lock_timeout = '10s'");
      await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATION_LOCK_ID]);
      try {
        return await fn();
      } finally {
        await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATION_LOCK_ID]);
      }
    },
  };
}

function pgliteMigrationTarget(db: PGlite): MigrationTarget {
  return {
    query: async (text, params) => (await db.query<never>(text, params as unknown[])).rows,
    exec: async (script) => void (await db.exec(script)),
    withLock: (fn) => fn(),
  };
}

/** Migrates a PostgreSQL database over its own connection (the advisory lock is per session). */
export async function migratePostgres(url: string, migrationsDir: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await applyMigrations(pgMigrationTarget(client), readMigrations(migrationsDir));
  } finally {
    await client.end();
  }
}

/** Opens, migrates and wraps a silo database. */
export async function openSiloDatabase(opts: OpenOptions): Promise<SiloDatabase> {
  if (opts.url) {
    await migratePostgres(opts.url, opts.migrationsDir);
    const pool = new Pool({ connectionString: opts.url, max: opts.poolSize ?? 10 });
    return {
      kind: "postgres",
      adapter: new PrismaPg(pool),
      sql: pgDatabase(pool),
      listen: (channel, onNotify) => listenPostgres(opts.url!, channel, onNotify),
      close: () => pool.end(),
    };
  }
  const db = opts.dataDir ? new PGlite(opts.dataDir) : new PGlite();
  await applyMigrations(pgliteMigrationTarget(db), readMigrations(opts.migrationsDir));
  return {
    kind: "pglite",
    adapter: new PrismaPGlite(db),
    sql: pgliteDatabase(db),
    listen: (channel, onNotify) => listenPglite(db, channel, onNotify),
    close: () => db.close(),
  };
}
