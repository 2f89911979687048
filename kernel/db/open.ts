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
  /** How long a request waits for a connection before failing as unavailable (default 5 s). */
  connectTimeoutMs?: number;
  /** Named in connection warnings, e.g. the silo. */
  label?: string;
  /** Called when an idle pooled connection breaks (default: a rate-limited warning on stderr). */
  onConnectionError?: (err: Error) => void;
}

/**
 * Idle pooled clients whose connection drops (a database restart) emit 'error' on the pool; with no
 * listener that kills the process. The pool has already discarded the client and opens a new one
 * on the next request, so noting it is all there is to do.
 */
export function watchPool(pool: Pool, onError: (err: Error) => void): void {
  pool.on("error", onError);
}

/** A warning on stderr at most every 10 s (a restart breaks every idle connection at once). */
export function warnAboutConnections(label: string): (err: Error) => void {
  let last = 0;
  return (err) => {
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    console.warn(`${label}: a pooled database connection broke; requests reconnect on demand`, JSON.stringify({ code: (err as { code?: string }).code ?? null }));
  };
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
  // A dropped connection fails the statement in flight (and so start-up); it must not also be
  // an uncaught 'error' event.
  client.on("error", () => undefined);
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
    const pool = new Pool({ connectionString: opts.url, max: opts.poolSize ?? 10, connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000 });
    watchPool(pool, opts.onConnectionError ?? warnAboutConnections(opts.label ?? "database"));
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
