// Per-request DataLoaders batch child lists: ten persons' latest tests (testing silo, one SQL
// statement with a per-person limit) or open causes (health-code silo, one statement over the ten
// ids) asked for in one tick cost the same statements as one person (no N+1), each list in its
// key's place.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { buildCity, type DemoCity } from "../../kernel/demo/city";
import { openSiloDatabase, type SiloDatabase } from "../../kernel/db/open";
import { PrismaClient as TestingClient } from "../../subgraphs/testing/generated/prisma/client";
import { PrismaClient as HealthCodeClient } from "../../subgraphs/health-code/generated/prisma/client";
import { createLoaders as createTestingLoaders, PERSON_TESTS_CAP } from "../../subgraphs/testing/loaders";
import { createLoaders as healthCodeLoaders } from "../../subgraphs/health-code/loaders";
import { seedTesting } from "../../subgraphs/testing/seed";
import { seedHealthCode } from "../../subgraphs/health-code/seed";
import type { Sql } from "../../kernel/db/sql";
import { createTestDatabase, MODES } from "../support/services";

const migrationsDir = (silo: string) => join(__dirname, "..", "..", "subgraphs", silo, "prisma", "migrations");
const DAY = 86_400_000;

/** Ten distinct person ids: those in `preferred` first, then others, in a scrambled order. */
function tenPersons(city: DemoCity, preferred: Set<string>): string[] {
  const ids = [...preferred, ...city.residents.map((r) => r.personId).filter((id) => !preferred.has(id))].slice(0, 10);
  expect(new Set(ids).size).toBe(10);
  // Scramble deterministically so key order differs from insertion and id order.
  return ids.map((id, i) => ({ id, k: (i * 7) % 10 })).sort((a, b) => a.k - b.k).map((x) => x.id);
}

/** The silo's SQL seam, calling `count` once per statement sent. */
function countingSql(sql: Sql, count: () => void): Sql {
  return { query: (text, params, options) => (count(), sql.query(text, params, options)) };
}

// Through the silo's SQL seam, as the server reads (the function person_tests on PGlite and, with
// TEST_DATABASE_URL, on PostgreSQL), in a process whose local zone is not UTC.
describe.each(MODES)("testing silo loaders (%s)", (mode) => {
  let db: SiloDatabase;
  let prisma: TestingClient;
  let city: DemoCity;
  let counted: Sql;
  let statements = 0;
  let drop: (() => Promise<void>) | undefined;
  const zone = process.env.TZ;
  const testingLoaders = () => createTestingLoaders(prisma, counted);

  beforeAll(async () => {
    process.env.TZ = "Asia/Shanghai";
    const target = mode === "services" ? await createTestDatabase("testing_loaders") : undefined;
    drop = target?.drop;
    db = await openSiloDatabase({ url: target?.url, migrationsDir: migrationsDir("testing") });
    counted = countingSql(db.sql, () => (statements += 1));
    prisma = new TestingClient({ adapter: db.adapter });
    city = buildCity(randomBytes(32), 40);
    expect(await seedTesting(prisma, city)).toBe(true);
    // A second, later swab for three tested persons, so some lists hold more than one row.
    const tested = [...new Set(city.swabs.map((s) => s.personId))].slice(0, 3);
    await prisma.sampleTube.create({ data: { id: "T-EXTRA", code: "T-EXTRA", boxId: "B-ARCHIVE", capacity: 10 } });
    await prisma.swab.createMany({
      data: tested.map((personId, i) => ({ tubeId: "T-EXTRA", personId, documentType: "CITIZEN_ID", documentMasked: "11**************1X", swabbedAt: new Date(Date.now() - i * DAY) })),
    });
    // Three swabs of one person registered at the same instant (one transaction), the newest: the
    // tie is broken by id, and only the rows kept are joined to their tube, box and result.
    const tie = new Date(Date.now() + 3_600_000);
    for (const id of ["T-TIE-1", "T-TIE-2", "T-TIE-3"]) await prisma.sampleTube.create({ data: { id, code: id, boxId: "B-ARCHIVE", capacity: 1 } });
    await prisma.swab.createMany({ data: ["T-TIE-1", "T-TIE-2", "T-TIE-3"].map((tubeId) => ({ tubeId, personId: tested[0]!, documentType: "CITIZEN_ID", documentMasked: "11**************1X", swabbedAt: tie })) });
    await prisma.testResult.createMany({ data: ["T-TIE-1", "T-TIE-3"].map((tubeId) => ({ tubeId, outcome: "NEGATIVE" as const, agencyId: city.agencies[0]!.id, recordedAt: new Date(tie.getTime() + 60_000) })) });
  });
  afterAll(async () => {
    process.env.TZ = zone;
    await prisma?.$disconnect();
    await db?.close();
    await drop?.();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  test("ten persons' latest tests loaded in one tick are one SQL statement, lists in key order, cut to `last`", async () => {
    const persons = tenPersons(city, new Set(city.swabs.map((s) => s.personId)));
    const loaders = testingLoaders();

    const before = statements;
    const lists = await Promise.all(persons.map((id) => loaders.personTests(5).load(id)));
    expect(statements - before).toBe(1);

    expect(lists).toHaveLength(10);
    const rows = await prisma.swab.findMany({ where: { personId: { in: persons } }, orderBy: [{ swabbedAt: "desc" }, { id: "desc" }], include: { tube: { include: { result: true, box: true } } } });
    lists.forEach((entry, i) => {
      const expected = rows.filter((r) => r.personId === persons[i]);
      expect(entry.swabs.map((s) => s.id)).toEqual(expected.slice(0, 5).map((s) => s.id));
      entry.swabs.forEach((swab, j) => {
        expect(swab.personId).toBe(persons[i]);
        expect(swab.siteId).toBe(expected[j]!.tube.box.siteId);
        expect(swab.outcome).toBe(expected[j]!.tube.result?.outcome ?? null);
        expect(swab.recordedAt?.getTime() ?? null).toBe(expected[j]!.tube.result?.recordedAt.getTime() ?? null);
      });
      const negatives = expected.filter((r) => r.tube.result?.outcome === "NEGATIVE").map((r) => r.tube.result!.recordedAt.getTime());
      expect(entry.latestNegativeAt?.getTime() ?? null).toBe(negatives.length > 0 ? Math.max(...negatives) : null);
    });
    expect(lists.some((l) => l.swabs.length > 1)).toBe(true);
    expect(lists.every((l) => l.swabs.length > 0)).toBe(true);

    // `last: 1` reads one row per person, not the person's whole history.
    const latest = await Promise.all(persons.map((id) => testingLoaders().personTests(1).load(id)));
    latest.forEach((entry, i) => {
      expect(entry.swabs).toHaveLength(1);
      expect(entry.swabs[0]!.id).toBe(lists[i]!.swabs[0]!.id);
    });
    expect(PERSON_TESTS_CAP).toBe(50);
  });

  test("persons without swabs get empty lists in their places", async () => {
    const tested = new Set(city.swabs.map((s) => s.personId));
    const untested = city.residents.map((r) => r.personId).filter((id) => !tested.has(id));
    const keys = [untested[0]!, [...tested][0]!, "no-such-person", untested[1]!];
    const before = statements;
    const lists = await Promise.all(keys.map((k) => testingLoaders().personTests(5).load(k)));
    // (one loader per request: a loader per key would be four batches — the control case)
    expect(statements - before).toBe(4);
    const loaders = testingLoaders();
    const beforeBatch = statements;
    const batched = await loaders.personTests(5).loadMany(keys);
    expect(statements - beforeBatch).toBe(1);
    expect(batched).toEqual(lists);
    expect(lists.map((l) => l.swabs.length > 0)).toEqual([false, true, false, false]);
    expect(lists[0]!.latestNegativeAt).toBeNull();
  });

  test("a result recorded after the read's plan was made shows at the next read (the plan is kept, the rows are not)", async () => {
    const person = city.residents.map((r) => r.personId).find((id) => !city.swabs.some((s) => s.personId === id))!;
    for (let i = 0; i < 8; i++) expect((await testingLoaders().personTests(1).load(person)).latestNegativeAt).toBeNull();
    const at = new Date(Date.now() - 3_600_000);
    await prisma.sampleTube.create({ data: { id: "T-LATER", code: "T-LATER", boxId: "B-ARCHIVE", capacity: 1 } });
    await prisma.swab.create({ data: { tubeId: "T-LATER", personId: person, documentType: "CITIZEN_ID", documentMasked: "11**************1X", swabbedAt: new Date(at.getTime() - 60_000) } });
    await prisma.testResult.create({ data: { tubeId: "T-LATER", outcome: "NEGATIVE", agencyId: city.agencies[0]!.id, recordedAt: at } });
    const after = await testingLoaders().personTests(1).load(person);
    expect(after.latestNegativeAt?.getTime()).toBe(at.getTime());
    expect(after.swabs.map((s) => [s.tubeId, s.outcome, s.recordedAt?.getTime()])).toEqual([["T-LATER", "NEGATIVE", at.getTime()]]);
  });
});

// The status look-up's two reads go through the silo's SQL seam (hotReads.ts), on PGlite and, with
// TEST_DATABASE_URL, on PostgreSQL; their rows must equal Prisma's, dates included, in a process
// whose local zone is not UTC (timestamps are stored without a zone and mean UTC).
describe.each(MODES)("health-code silo loaders (%s)", (mode) => {
  let db: SiloDatabase;
  let prisma: HealthCodeClient;
  let city: DemoCity;
  let counted: Sql;
  let statements = 0;
  let drop: (() => Promise<void>) | undefined;
  const zone = process.env.TZ;

  beforeAll(async () => {
    process.env.TZ = "Asia/Shanghai";
    const target = mode === "services" ? await createTestDatabase("hc_loaders") : undefined;
    drop = target?.drop;
    db = await openSiloDatabase({ url: target?.url, migrationsDir: migrationsDir("health-code") });
    counted = countingSql(db.sql, () => (statements += 1));
    prisma = new HealthCodeClient({ adapter: db.adapter });
    city = buildCity(randomBytes(32), 40);
    expect(await seedHealthCode(prisma, city)).toBe(true);
    expect(city.causes.length).toBeGreaterThan(1);
    // One person gets a second, older open cause and a cleared one; another person only a cleared one.
    const [first] = city.causes;
    const uncaused = city.residents.find((r) => !city.causes.some((c) => c.personId === r.personId))!;
    await prisma.statusCause.createMany({
      data: [
        { personId: first!.personId, kind: "POPUP_TRAVEL", detail: "older", raisedAt: new Date(first!.raisedAt.getTime() - 5 * DAY) },
        { personId: first!.personId, kind: "POPUP_RISK_POINT", detail: "cleared", raisedAt: new Date(Date.now() - 9 * DAY), clearedAt: new Date(), clearedReason: "test" },
        { personId: uncaused.personId, kind: "POPUP_MEDICINE", detail: "cleared", raisedAt: new Date(Date.now() - 9 * DAY), clearedAt: new Date(), clearedReason: "test" },
      ],
    });
    await prisma.resident.update({ where: { personId: first!.personId }, data: { updatedAt: new Date("2026-11-20T23:30:00.123Z") } });
  });
  afterAll(async () => {
    process.env.TZ = zone;
    await prisma?.$disconnect();
    await db?.close();
    await drop?.();
  });

  test("ten persons' open causes loaded in one tick are one statement over the ten ids, lists in key order, rows as Prisma reads them", async () => {
    const persons = tenPersons(city, new Set(city.causes.map((c) => c.personId)));
    const loaders = healthCodeLoaders(prisma, { role: "EPIDEMIOLOGIST" }, counted);

    const before = statements;
    const lists = await Promise.all(persons.map((id) => loaders.openCauses.load(id)));
    expect(statements - before).toBe(1);

    const open = await prisma.statusCause.findMany({ where: { personId: { in: persons }, clearedAt: null }, orderBy: [{ raisedAt: "asc" }, { id: "asc" }] });
    lists.forEach((list, i) => {
      expect(list).toEqual(open.filter((c) => c.personId === persons[i]));
      for (const cause of list) expect(cause.clearedAt).toBeNull();
    });
    expect(lists.some((l) => l.length > 1)).toBe(true);
    expect(lists.some((l) => l.length === 0)).toBe(true);

    const single = healthCodeLoaders(prisma, { role: "EPIDEMIOLOGIST" }, counted);
    const beforeOne = statements;
    await single.openCauses.load(persons[0]!);
    expect(statements - beforeOne).toBe(1);
  });

  test("ten residents loaded in one tick are one statement, each row equal to Prisma's (dates in UTC whatever the process's zone)", async () => {
    const persons = [...tenPersons(city, new Set(city.causes.map((c) => c.personId))), "no-such-person"];
    const loaders = healthCodeLoaders(prisma, { role: "EPIDEMIOLOGIST" }, counted);
    const before = statements;
    const residents = await Promise.all(persons.map((id) => loaders.resident.load(id)));
    expect(statements - before).toBe(1);
    const expected = await prisma.resident.findMany({ where: { personId: { in: persons } } });
    residents.forEach((r, i) => expect(r).toEqual(expected.find((e) => e.personId === persons[i]) ?? null));
    expect(residents.some((r) => r?.updatedAt?.toISOString() === "2026-11-20T23:30:00.123Z")).toBe(true);
  });

  test("a person whose only cause is cleared has an empty list", async () => {
    const cleared = await prisma.statusCause.findFirst({ where: { detail: "cleared", personId: { notIn: city.causes.map((c) => c.personId) } } });
    expect(cleared).not.toBeNull();
    const loaders = healthCodeLoaders(prisma, { role: "EPIDEMIOLOGIST" }, counted);
    const [list] = await Promise.all([loaders.openCauses.load(cleared!.personId)]);
    expect(list).toEqual([]);
  });
});
