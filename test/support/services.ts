// Services mode in tests: real PostgreSQL and Redis, named by TEST_DATABASE_URL (an admin URL
// used to create and drop each test's own databases) and TEST_REDIS_URL. Without them the
// services-mode tests are skipped and only the embedded mode runs (a fresh machine has neither).
import { randomBytes } from "node:crypto";
import { Client } from "pg";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL;

/** The run modes the integration tests cover on this machine. */
export const MODES: Array<"embedded" | "services"> = TEST_DATABASE_URL ? ["embedded", "services"] : ["embedded"];

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database with a unique name; returns its URL. */
export async function createTestDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error("TEST_DATABASE_URL is not set");
  const name = `hg_test_${label.replace(/[^a-z0-9]/g, "_")}_${randomBytes(4).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined) };
}
