// Database faults: a PostgreSQL restart, or a stop of some seconds, fails only the requests and
// transactions that needed the database (SERVICE_UNAVAILABLE, in plain words), kills no process,
// and everything resumes by itself when PostgreSQL is back. Runs on a throwaway cluster of its own.
import { join } from "node:path";
import { signViewerHeader, VIEWER_HEADER } from "../../kernel/auth/viewerHeader";
import { openSiloDatabase, type SiloDatabase } from "../../kernel/db/open";
import { isDatabaseUnavailable } from "../../kernel/db/unavailable";
import { waitFor } from "../events/helpers/wait";
import { PgCluster } from "./helpers/pgCluster";
import { record } from "./helpers/report";
import { SiloProcess } from "./helpers/siloProcess";

const describeIf = PgCluster.available() ? describe : describe.skip;
if (!PgCluster.available()) console.warn("fault suite: PostgreSQL 15 binaries (initdb, pg_ctl) not found; database fault tests skipped");

const INTERNALS = /ECONNREFUSED|127\.0\.0\.1|57P0|Raw query failed|\.ts:\d+|\/work\/|node_modules|prisma|terminat/i;

describeIf("database faults (throwaway PostgreSQL cluster)", () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await PgCluster.start();
  }, 60_000);
  afterAll(async () => cluster?.destroy());

  describe("kernel: pool and transactions over a restart", () => {
    let db: SiloDatabase;
    beforeAll(async () => {
      const url = await cluster.createDatabase("kernel_restart");
      db = await openSiloDatabase({ url, migrationsDir: join(__dirname, "..", "..", "subgraphs", "appeals", "prisma", "migrations"), poolSize: 3, onConnectionError: () => undefined });
    });
    afterAll(async () => db?.close());

    test("a transaction in flight fails as unavailable, idle clients break harmlessly, and the pool serves again after the restart", async () => {
      // Warm the pool so idle clients exist when the server goes away.
      await Promise.all([1, 2, 3].map(() => db.sql.query("SELECT pg_sleep(0.05)")));
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const tx = db.sql.transaction(async (t) => {
        await t.query("INSERT INTO outbox_event (id, type, aggregate_id, payload) VALUES (gen_random_uuid(), 'Probe', 'x', '{}')");
        await held;
        await t.query("SELECT 1");
      });
      const txOutcome = tx.then(() => "committed", (err: unknown) => err);
      await cluster.restart();
      release();
      const outcome = await txOutcome;
      expect(outcome).not.toBe("committed");
      expect(isDatabaseUnavailable(outcome)).toBe(true);
      // Nothing of the failed transaction was written.
      const started = Date.now();
      await waitFor("the pool to serve again", () => db.sql.query("SELECT 1").then(() => true, () => false), 20_000, 50);
      record("postgres restart (kernel pool)", "first successful query after restart", Date.now() - started);
      const [row] = await db.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox_event WHERE type = 'Probe'");
      expect(row!.n).toBe(0);
    });
  });

  describe("a silo process over a restart and a 4 s stop", () => {
    let silo: SiloProcess;
    let header: string;
    beforeAll(async () => {
      silo = await SiloProcess.start("appeals", await cluster.createDatabase("appeals_process"));
      header = await signViewerHeader({ role: "AUDITOR" }, silo.viewerKey, 600);
    }, 90_000);
    afterAll(async () => silo?.stop());

    const ask = async () => {
      const res = await fetch(silo.url, { method: "POST", headers: { "content-type": "application/json", [VIEWER_HEADER]: header }, body: JSON.stringify({ query: "{ appealCounts { community } }" }) });
      return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
    };
    const ready = async () => (await fetch(new URL("/ready", silo.url))).status;

    test("answers before the fault", async () => {
      const res = await ask();
      expect(res.body.errors).toBeUndefined();
      expect(await ready()).toBe(200);
    });

    test("pg_ctl restart -m fast: the process lives, and answers again by itself", async () => {
      await cluster.restart();
      const started = Date.now();
      await waitFor("the silo to answer after the restart", async () => (await ask()).body.errors === undefined, 20_000, 50);
      record("postgres restart -m fast (silo process)", "first successful request after restart", Date.now() - started);
      expect(silo.alive).toBe(true);
    });

    test("a 4 s stop: requests fail with SERVICE_UNAVAILABLE in plain words, /ready is 503, the process lives and recovers", async () => {
      await cluster.stopServer();
      const during = await ask();
      expect(during.body.errors?.[0]?.extensions?.code).toBe("SERVICE_UNAVAILABLE");
      for (const e of during.body.errors ?? []) expect(e.message).not.toMatch(INTERNALS);
      expect(JSON.stringify(during.body)).not.toMatch(INTERNALS);
      expect(await ready()).toBe(503);
      await new Promise((r) => setTimeout(r, 4_000));
      expect(silo.alive).toBe(true);
      await cluster.startServer();
      const started = Date.now();
      await waitFor("/ready to return 200", async () => (await ready()) === 200, 20_000, 50);
      record("postgres stopped 4 s (silo process)", "/ready 200 after start", Date.now() - started);
      await waitFor("a request to succeed", async () => (await ask()).body.errors === undefined, 20_000, 50);
      record("postgres stopped 4 s (silo process)", "first successful request after start", Date.now() - started);
      expect(silo.alive).toBe(true);
      expect(silo.output).not.toMatch(/Unhandled 'error' event|uncaughtException/);
    }, 60_000);
  });
});
