// Each swab keeps its sampling site (migration 20261127130000_swab_site), set by the database from
// the tube's box whatever the insert says, backfilled for the swabs written before the column
// existed; an agency's load today counts the day's swabs of its sites by it, and the status read
// (person_tests) returns it. In both modes: PGlite on disk and, with TEST_DATABASE_URL, PostgreSQL.
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSiloDatabase, type SiloDatabase } from "../../kernel/db/open";
import { PrismaClient } from "../../subgraphs/testing/generated/prisma/client";
import { agencyLoad, beijingDay } from "../../subgraphs/testing/registry";
import { loadPersonTests } from "../../subgraphs/testing/personTests";
import { createTestDatabase, MODES } from "../support/services";

const MIGRATIONS = join(__dirname, "..", "..", "subgraphs", "testing", "prisma", "migrations");
const SITE_MIGRATION = "20261127130000_swab_site";

/** A folder holding copies of the silo's migrations before `name`. */
function migrationsBefore(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), "swab-site-migrations-"));
  for (const entry of readdirSync(MIGRATIONS)) {
    if (entry < name) cpSync(join(MIGRATIONS, entry), join(dir, entry), { recursive: true });
  }
  return dir;
}

const NOW = new Date("2026-11-27T04:00:00Z"); // 12:00 in Beijing
const HOUR = 3_600_000;

describe.each(MODES)("a swab's sampling site (%s)", (mode) => {
  let db: SiloDatabase;
  let prisma: PrismaClient;
  let url: string | undefined;
  let dataDir: string | undefined;
  let earlier: string;
  let drop: (() => Promise<void>) | undefined;
  const open = (migrationsDir: string) => openSiloDatabase({ url, dataDir, migrationsDir });

  beforeAll(async () => {
    const target = mode === "services" ? await createTestDatabase("swab_site") : undefined;
    url = target?.url;
    drop = target?.drop;
    dataDir = mode === "embedded" ? mkdtempSync(join(tmpdir(), "swab-site-pglite-")) : undefined;
    earlier = migrationsBefore(SITE_MIGRATION);

    // The registry and today's swabs as a database before the column held them.
    const before = await open(earlier);
    const run = (text: string, params: unknown[] = []) => before.sql.query(text, params);
    await run(`INSERT INTO agency (id, code, name) VALUES ('A1', 'A1', 'Agency one'), ('A2', 'A2', 'Agency two')`);
    await run(
      `INSERT INTO sampling_site (id, agency_id, name, district, community, address)
       VALUES ('S1', 'A1', 'Site one', 'D', 'C', 'Road 1'), ('S2', 'A1', 'Site two', 'D', 'C', 'Road 2'), ('S3', 'A2', 'Site three', 'D', 'C', 'Road 3')`,
    );
    await run(`INSERT INTO transport_box (id, code, site_id) VALUES ('B1', 'B1', 'S1'), ('B2', 'B2', 'S2'), ('B3', 'B3', 'S3')`);
    await run(`INSERT INTO sample_tube (id, code, box_id, capacity) VALUES ('T1', 'T1', 'B1', 10), ('T2', 'T2', 'B2', 10), ('T3', 'T3', 'B3', 10)`);
    const swab = (id: string, tube: string, person: string, at: Date) =>
      run(`INSERT INTO swab (id, tube_id, person_id, document_type, document_masked, swabbed_at) VALUES ($1, $2, $3, 'CITIZEN_ID', '11**34', $4)`, [id, tube, person, at]);
    await swab("W-OLD-1", "T1", "P1", new Date(NOW.getTime() - HOUR)); // A1 today
    await swab("W-OLD-2", "T2", "P2", new Date(NOW.getTime() - 2 * HOUR)); // A1 today
    await swab("W-OLD-3", "T3", "P3", new Date(NOW.getTime() - HOUR)); // A2 today
    await swab("W-OLD-4", "T1", "P4", new Date(beijingDay(NOW).from.getTime() - 60_000)); // A1, the day before (Beijing)
    await before.close();

    db = await open(MIGRATIONS);
    prisma = new PrismaClient({ adapter: db.adapter });
  }, 120_000);

  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.close();
    await drop?.();
    rmSync(earlier, { recursive: true, force: true });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const siteOf = async (id: string) => (await db.sql.query<{ site_id: string | null }>(`SELECT site_id FROM swab WHERE id = $1`, [id]))[0]?.site_id;

  test("the migration gives every earlier swab its tube's site", async () => {
    expect(await siteOf("W-OLD-1")).toBe("S1");
    expect(await siteOf("W-OLD-2")).toBe("S2");
    expect(await siteOf("W-OLD-3")).toBe("S3");
    expect(await siteOf("W-OLD-4")).toBe("S1");
  });

  test("a new swab's site is its tube's, whatever the insert names; a move to another tube moves it", async () => {
    await prisma.swab.create({ data: { id: "W-NEW-1", tubeId: "T2", personId: "P5", documentType: "CITIZEN_ID", documentMasked: "11**34", swabbedAt: new Date(NOW.getTime() - HOUR) } });
    expect(await siteOf("W-NEW-1")).toBe("S2");
    await prisma.swab.create({ data: { id: "W-NEW-2", tubeId: "T3", personId: "P6", documentType: "CITIZEN_ID", documentMasked: "11**34", siteId: "S1", swabbedAt: new Date(NOW.getTime() - HOUR) } });
    expect(await siteOf("W-NEW-2")).toBe("S3");
    await db.sql.query(`INSERT INTO swab (id, tube_id, person_id, document_type, document_masked, site_id, swabbed_at) VALUES ('W-NEW-3', 'T1', 'P7', 'CITIZEN_ID', '11**34', 'S3', '2026-11-20T02:00:00Z')`);
    expect(await siteOf("W-NEW-3")).toBe("S1");
    await db.sql.query(`UPDATE swab SET tube_id = 'T3' WHERE id = 'W-NEW-3'`);
    expect(await siteOf("W-NEW-3")).toBe("S3");
    await db.sql.query(`UPDATE swab SET tube_id = 'T1' WHERE id = 'W-NEW-3'`);
    expect(await siteOf("W-NEW-3")).toBe("S1");
    // No swab anywhere disagrees with its tube's box.
    const [row] = await db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM swab s JOIN sample_tube t ON t.id = s.tube_id JOIN transport_box b ON b.id = t.box_id WHERE s.site_id IS DISTINCT FROM b.site_id`,
    );
    expect(row!.n).toBe(0);
  });

  test("an agency's load today counts the day's swabs at its own sites only", async () => {
    const a1 = await prisma.agency.findUniqueOrThrow({ where: { id: "A1" } });
    const a2 = await prisma.agency.findUniqueOrThrow({ where: { id: "A2" } });
    const expected = async (agencyId: string) => {
      const { from, to } = beijingDay(NOW);
      const [row] = await db.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM swab s JOIN sample_tube t ON t.id = s.tube_id JOIN transport_box b ON b.id = t.box_id JOIN sampling_site si ON si.id = b.site_id
          WHERE si.agency_id = $1 AND s.swabbed_at >= $2 AND s.swabbed_at < $3`,
        [agencyId, from, to],
      );
      return row!.n;
    };
    const load1 = await agencyLoad(prisma, a1, NOW);
    const load2 = await agencyLoad(prisma, a2, NOW);
    expect(load1.day).toBe("2026-11-27");
    // W-OLD-1, W-OLD-2 and W-NEW-1 were swabbed that day at A1's sites; W-OLD-4 the day before.
    expect(load1.swabs).toBe(3);
    expect(load1.swabs).toBe(await expected("A1"));
    // W-OLD-3 and W-NEW-2 at A2's site, whatever W-NEW-2's insert named.
    expect(load2.swabs).toBe(2);
    expect(load2.swabs).toBe(await expected("A2"));
    const dayBefore = await agencyLoad(prisma, a1, new Date(beijingDay(NOW).from.getTime() - HOUR));
    expect(dayBefore.swabs).toBe(1);
  });

  test("the status read returns the swab's site", async () => {
    const [p3, p6, p7] = await loadPersonTests(db.sql, ["P3", "P6", "P7"], 5);
    expect(p3!.swabs.map((w) => [w.id, w.siteId])).toEqual([["W-OLD-3", "S3"]]);
    expect(p6!.swabs.map((w) => [w.id, w.siteId])).toEqual([["W-NEW-2", "S3"]]);
    expect(p7!.swabs.map((w) => [w.id, w.siteId])).toEqual([["W-NEW-3", "S1"]]);
  });
});
