// A PostgreSQL database of the test file's own, created from TEST_DATABASE_URL (the admin URL) and
// dropped afterwards.
import { Pool } from "pg";
import { pgDatabase, type SqlDatabase } from "../../../kernel/db/sql";

export interface TestDatabase {
  url: string;
  pool: Pool;
  db: SqlDatabase;
  drop(): Promise<void>;
}

/** The admin URL when real-server tests are enabled. */
export const ADMIN_URL = process.env.TEST_DATABASE_URL;

/** Creates a uniquely named database and a small pool on it. */
export async function createTestDatabase(prefix: string, poolSize = 6): Promise<TestDatabase> {
  if (!ADMIN_URL) throw new Error("TEST_DATABASE_URL is not set");
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  const admin = new Pool({ connectionString: ADMIN_URL, max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const pool = new Pool({ connectionString: url.toString(), max: poolSize });
  // pool.end() resolves before its clients' sockets close, so DROP … WITH (FORCE) can still cut
  // one off; an idle client's error must not crash the test process (a busy one's reaches its query).
  pool.on("error", () => undefined);
  return {
    url: url.toString(),
    pool,
    db: pgDatabase(pool),
    async drop() {
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
