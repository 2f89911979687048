// The status read's query (the function person_tests) keeps one plan per connection, made at that
// connection's first call on the tables as they were then. That plan must walk indexes only, or a
// connection opened while the tables were small or lopsided keeps scanning a whole table on every
// status read as the tables grow. The state that once did it: swabs many, results few (a day's
// registrations before its uploads), with no statistics (autovacuum may not have run yet).
// PostgreSQL only: the plans are read from auto_explain, sent to this connection as notices.
import { join } from "node:path";
import { openSiloDatabase, type SiloDatabase } from "../../kernel/db/open";
import { planReader, type PlanReader } from "../support/keptPlans";
import { createTestDatabase, TEST_DATABASE_URL } from "../support/services";

const migrationsDir = join(__dirname, "..", "..", "subgraphs", "testing", "prisma", "migrations");

(TEST_DATABASE_URL ? describe : describe.skip)("person_tests' plan kept per connection (services mode)", () => {
  let db: SiloDatabase;
  let target: { url: string; drop(): Promise<void> };
  let reader: PlanReader;

  beforeAll(async () => {
    target = await createTestDatabase("person_tests_plan");
    db = await openSiloDatabase({ url: target.url, migrationsDir });
    const setup = (text: string) => db.sql.query(text);
    await setup(`INSERT INTO agency (id, code, name) VALUES ('A1', 'A1', 'Agency')`);
    await setup(`INSERT INTO sampling_site (id, agency_id, name, district, community, address) VALUES ('S1', 'A1', 'Site', 'D', 'C', 'Street 1')`);
    await setup(`INSERT INTO transport_box (id, code, site_id) VALUES ('B1', 'B1', 'S1')`);
    // 40,000 swabs over 3,000 persons, results for 100 of their tubes.
    await setup(`INSERT INTO sample_tube (id, code, box_id, capacity) SELECT 'T' || g, 'T' || g, 'B1', 1 FROM generate_series(1, 40000) g`);
    await setup(`INSERT INTO swab (id, tube_id, person_id, document_type, document_masked) SELECT 'W' || g, 'T' || g, 'P' || (g % 3000), 'CITIZEN_ID', '11**************1X' FROM generate_series(1, 40000) g`);
    await setup(`INSERT INTO test_result (id, tube_id, outcome, agency_id) SELECT 'R' || g, 'T' || g, 'NEGATIVE', 'A1' FROM generate_series(1, 100) g`);
    reader = await planReader(target.url);
  }, 60_000);
  afterAll(async () => {
    await reader?.end();
    await db?.close();
    await target?.drop();
  });

  /** The plan of the function's own query at one call (auto_explain's notice for it). */
  const planOfCall = (person: string) => reader.run("person_tests", `SELECT * FROM person_tests($1::text[], $2::int)`, [[person], 1], "FROM unnest(keys)");

  test("made on swabs many and results few, the plan walks indexes only, and stays so as results arrive", async () => {
    const first = await planOfCall("P1");
    expect(first.rows).toHaveLength(1);
    expect(first.rows[0]!.latestNegativeAt).not.toBeNull(); // P1's swabs include tube T1's result
    for (const { plan } of [first, await planOfCall("P2")]) {
      expect(plan).toContain("Index Scan");
      expect(plan).not.toMatch(/Seq Scan|Hash Join|Merge Join/);
    }

    // The day's results arrive; the connection keeps its plan.
    await db.sql.query(`INSERT INTO test_result (id, tube_id, outcome, agency_id) SELECT 'R' || g, 'T' || g, 'NEGATIVE', 'A1' FROM generate_series(101, 40000) g`);
    const later = await planOfCall("P3");
    expect(later.plan).not.toMatch(/Seq Scan|Hash Join|Merge Join/);
    expect(later.rows[0]!.outcome).toBe("NEGATIVE");
  });
});
