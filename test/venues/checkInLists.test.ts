// A resident's checkIns(last:) and a registrar's visitor list read the database functions
// person_check_ins and register_check_ins (subgraphs/venues/checkInLists.ts): each key's latest
// check-ins, most recent first (ties by id), cut to `last`, in the keys' order, with each
// check-in's register and venue. Checked against Prisma's own reading in both modes (PGlite and,
// with TEST_DATABASE_URL, PostgreSQL), in a zone that is not UTC. On PostgreSQL, the plan each
// connection keeps, made while the tables were small, walks indexes only as they grow (read from
// auto_explain, sent to the test's own connection as notices).
import { join } from "node:path";
import { openSiloDatabase, type SiloDatabase } from "../../kernel/db/open";
import { PrismaClient } from "../../subgraphs/venues/generated/prisma/client";
import { latestCheckIns } from "../../subgraphs/venues/checkInLists";
import { planReader, type PlanReader } from "../support/keptPlans";
import { createTestDatabase, MODES, TEST_DATABASE_URL } from "../support/services";

const migrationsDir = join(__dirname, "..", "..", "subgraphs", "venues", "prisma", "migrations");
const T0 = Date.parse("2026-11-20T02:00:00Z");
const MINUTE = 60_000;

/** Three venues, four registers, 60 check-ins over five persons, some sharing a time. */
async function seed(sql: SiloDatabase["sql"]) {
  await sql.query(`INSERT INTO venue (id, name, kind, district, community, address) VALUES ('V1', 'Market', 'MARKET', 'D1', 'C1', 'Road 1'), ('V2', 'Library', 'LIBRARY', 'D1', 'C2', 'Road 2'), ('V3', 'Shop', 'SHOP', 'D2', 'C3', 'Road 3')`);
  await sql.query(
    `INSERT INTO register (id, venue_id, registrar_id, code, label, status, suspended_reason, suspended_at, created_at) VALUES
       ('R1', 'V1', 'reg-1', 'CODE-1', 'Gate', 'ACTIVE', NULL, NULL, '2026-11-01T00:00:00'),
       ('R2', 'V1', 'reg-1', 'CODE-2', 'Back door', 'SUSPENDED', 'closed for cleaning', '2026-11-19T03:00:00', '2026-11-02T00:00:00'),
       ('R3', 'V2', 'reg-2', 'CODE-3', 'Desk', 'ACTIVE', NULL, NULL, '2026-11-03T00:00:00'),
       ('R4', 'V3', 'reg-3', 'CODE-4', 'Till', 'ACTIVE', NULL, NULL, '2026-11-04T00:00:00')`,
  );
  const ids: string[] = [], registers: string[] = [], persons: string[] = [], at: string[] = [];
  for (let i = 0; i < 60; i++) {
    ids.push(`CI-${String((i * 37) % 60).padStart(2, "0")}`);
    registers.push(`R${(i % 4) + 1}`);
    persons.push(`P${i % 5}`);
    // Every third check-in shares its time with the one before: the order falls to the id.
    at.push(new Date(T0 + Math.floor(i - (i % 3 === 2 ? 1 : 0)) * MINUTE).toISOString());
  }
  await sql.query(
    `INSERT INTO check_in (id, register_id, person_id, checked_in_at) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS x(id, r, p, at)`,
    [ids, registers, persons, at],
  );
}

describe.each(MODES)("venues' check-in lists (%s)", (mode) => {
  let db: SiloDatabase;
  let prisma: PrismaClient;
  let drop: (() => Promise<void>) | undefined;
  const zone = process.env.TZ;

  beforeAll(async () => {
    process.env.TZ = "Asia/Shanghai";
    const target = mode === "services" ? await createTestDatabase("venues_check_in_lists") : undefined;
    drop = target?.drop;
    db = await openSiloDatabase({ url: target?.url, migrationsDir });
    prisma = new PrismaClient({ adapter: db.adapter });
    await seed(db.sql);
  }, 60_000);
  afterAll(async () => {
    process.env.TZ = zone;
    await prisma?.$disconnect();
    await db?.close();
    await drop?.();
  });

  test.each([
    ["person_id", ["P3", "P0", "P-UNKNOWN", "P4"]],
    ["register_id", ["R2", "R4", "R1", "R-UNKNOWN"]],
  ] as const)("by %s: each key's latest, ties by id, cut to last, in the keys' order", async (column, keys) => {
    for (const last of [1, 3, 100]) {
      const { lists, registers, venues } = await latestCheckIns(db.sql, column, keys, last);
      expect(lists).toHaveLength(keys.length);
      for (const [i, key] of keys.entries()) {
        const expected = await prisma.checkIn.findMany({
          where: column === "person_id" ? { personId: key } : { registerId: key },
          orderBy: [{ checkedInAt: "desc" }, { id: "desc" }],
          take: last,
          omit: { scanId: true }, // the graph's check-in (checkIns.ts) leaves the app's scan id out
        });
        expect(lists[i]).toEqual(expected);
      }
      const seen = new Set(lists.flat().map((c) => c.registerId));
      const expectedRegisters = await prisma.register.findMany({ where: { id: { in: [...seen] } } });
      expect(new Map(registers.map((r) => [r.id, r]))).toEqual(new Map(expectedRegisters.map((r) => [r.id, r])));
      const expectedVenues = await prisma.venue.findMany({ where: { id: { in: expectedRegisters.map((r) => r.venueId) } } });
      expect(new Map(venues.map((v) => [v.id, v]))).toEqual(new Map(expectedVenues.map((v) => [v.id, v])));
    }
  });

  test("a check-in made after the list's plan shows at the next read", async () => {
    await latestCheckIns(db.sql, "person_id", ["P1"], 1);
    await db.sql.query(`INSERT INTO check_in (id, register_id, person_id, checked_in_at) VALUES ('CI-LATER', 'R3', 'P1', $1::timestamptz)`, [new Date(T0 + 1000 * MINUTE).toISOString()]);
    const { lists, venues } = await latestCheckIns(db.sql, "person_id", ["P1"], 1);
    expect(lists[0]!.map((c) => c.id)).toEqual(["CI-LATER"]);
    expect(lists[0]![0]!.checkedInAt.toISOString()).toBe(new Date(T0 + 1000 * MINUTE).toISOString());
    expect(venues.map((v) => v.id)).toEqual(["V2"]);
  });
});

(TEST_DATABASE_URL ? describe : describe.skip)("check-in lists' plans kept per connection (services mode)", () => {
  let db: SiloDatabase;
  let target: { url: string; drop(): Promise<void> };
  let reader: PlanReader;

  beforeAll(async () => {
    target = await createTestDatabase("venues_check_in_plans");
    db = await openSiloDatabase({ url: target.url, migrationsDir });
    await seed(db.sql);
    // The state that once made a bad plan to keep: check-ins many, registers and venues few (a
    // new deployment's first busy venue), no statistics. Without the functions' planner settings
    // the plan hashed sequential scans of register and venue, and kept doing so as they grew.
    await db.sql.query(`INSERT INTO check_in (id, register_id, person_id, checked_in_at) SELECT 'CI-FIRST-' || g, 'R1', 'P' || (g % 10), now() - interval '1 day' - (g || ' seconds')::interval FROM generate_series(1, 50000) g`);
    reader = await planReader(target.url);
  }, 60_000);
  afterAll(async () => {
    await reader?.end();
    await db?.close();
    await target?.drop();
  });

  const planOfCall = (fn: "person_check_ins" | "register_check_ins", key: string) =>
    reader.run(fn, `SELECT * FROM ${fn}($1::text[], $2::int)`, [[key], 3], "FROM unnest(keys)");

  test("made on check-ins many and registers few, each plan walks indexes only, and stays so as the city arrives", async () => {
    for (const [fn, key] of [["person_check_ins", "P2"], ["register_check_ins", "R1"]] as const) {
      const { rows, plan } = await planOfCall(fn, key);
      expect(rows).toHaveLength(3);
      expect(plan).toContain("Index Scan");
      expect(plan).not.toMatch(/Seq Scan|Hash Join|Merge Join/);
    }
    // The city's venues and a day of check-ins arrive; the connection keeps its plans.
    await db.sql.query(`INSERT INTO venue (id, name, kind, district, community, address) SELECT 'VB' || g, 'Venue', 'SHOP', 'D', 'C', 'Road' FROM generate_series(1, 2000) g`);
    await db.sql.query(`INSERT INTO register (id, venue_id, registrar_id, code, label) SELECT 'RB' || g, 'VB' || g, 'reg', 'CODE-B' || g, 'Gate' FROM generate_series(1, 2000) g`);
    await db.sql.query(
      `INSERT INTO check_in (id, register_id, person_id, checked_in_at)
       SELECT 'CI-BULK-' || g, CASE WHEN g % 2 = 0 THEN 'R1' ELSE 'RB' || (g % 2000 + 1) END, 'P' || (g % 5000), now() - (g || ' seconds')::interval FROM generate_series(1, 100000) g`,
    );
    for (const [fn, key] of [["person_check_ins", "P2"], ["register_check_ins", "R1"]] as const) {
      const { rows, plan } = await planOfCall(fn, key);
      expect(rows).toHaveLength(3);
      expect(rows[0]!.id).toMatch(/^CI-BULK-/);
      expect(plan).not.toMatch(/Seq Scan|Hash Join|Merge Join/);
    }
  });
});
