// The city-scale generator (scripts/residents): every ID number passes the silo's own GB 11643
// validation and no two collide; phones pass the intake's check; the shares of causes, history
// and 人户分离 are as documented; and (services mode) COPY writes a population the silo's own
// loaders read back, with person ids the benchmark can recompute from an index alone.
import { join } from "node:path";
import { Pool } from "pg";
import { checkCitizenId, checkMobilePhone } from "../../kernel/identity";
import { migratePostgres } from "../../kernel/db/open";
import { copyResidents, generatedPersonId } from "../../scripts/residents/copyResidents";
import { idNumberAt, planAt } from "../../scripts/residents/population";
import { MODES, createTestDatabase } from "../support/services";
import { PrismaClient } from "../../subgraphs/health-code/generated/prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import { createLoaders } from "../../subgraphs/health-code/loaders";
import { deriveStatus } from "../../subgraphs/health-code/status";

const NOW = Date.UTC(2026, 10, 26, 2, 0, 0);

describe("generated residents", () => {
  test("50,000 ID numbers: all valid (check character, birth date, region), all distinct, birth date and sex agree with the record", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50_000; i++) {
      const { resident } = planAt(i, 1, NOW);
      const check = checkCitizenId(resident.idNumber, new Date(NOW));
      // Plain checks in the loop (expect() per row would dominate the run time).
      if (!check.ok) throw new Error(`resident ${i}: ${resident.idNumber} refused: ${check.message}`);
      if (check.doc.birthDate !== resident.birthDate || check.doc.sex !== resident.sex) throw new Error(`resident ${i}: birth date or sex differ from the ID number`);
      seen.add(resident.idNumber);
    }
    expect(seen.size).toBe(50_000);
    // The far end of a million is distinct from the start too (the index map is one-to-one).
    expect(seen.has(idNumberAt(999_999, 1))).toBe(false);
    expect(idNumberAt(12_345, 1)).toBe(planAt(12_345, 1, NOW).resident.idNumber);
    expect(idNumberAt(12_345, 2)).not.toBe(idNumberAt(12_345, 1));
  });

  test("phones pass intake's check; causes, history, tests and 人户分离 come in the documented shares", () => {
    const n = 20_000;
    let open = 0, history = 0, tested = 0, moved = 0;
    for (let i = 0; i < n; i++) {
      const p = planAt(i, 1, NOW);
      if (!checkMobilePhone(p.resident.phone).ok) throw new Error(`resident ${i}: phone ${p.resident.phone} refused`);
      if (p.causes.some((c) => c.clearedAt === null)) open++;
      if (p.causes.some((c) => c.clearedAt !== null)) history++;
      if (p.tests.length > 0) tested++;
      if (p.resident.district !== p.resident.householdDistrict) moved++;
      // Every cause has its RAISED change, every cleared one its CLEARED change, all dated before now.
      if (p.changes.length !== p.causes.length + p.causes.filter((c) => c.clearedAt).length) throw new Error(`resident ${i}: changes do not match causes`);
      if (p.changes.some((c) => c.at.getTime() >= NOW)) throw new Error(`resident ${i}: a change dated after now`);
    }
    expect(open / n).toBeCloseTo(0.18, 1);
    expect(history / n).toBeCloseTo(0.3, 1);
    expect(tested / n).toBeGreaterThan(0.4);
    // 20% are drawn to live elsewhere; one in 16 of those draws their own district again.
    expect(moved / n).toBeGreaterThan(0.16);
    expect(moved / n).toBeLessThan(0.2);
  });
});

(MODES.includes("services") ? describe : describe.skip)("COPY into a health-code database (services mode)", () => {
  const pepper = new Uint8Array(Buffer.from("a pepper of at least thirty-two bytes, for this test"));
  let drop: () => Promise<void>;
  let pool: Pool;
  let prisma: PrismaClient;
  let prismaPool: Pool;

  beforeAll(async () => {
    const db = await createTestDatabase("hc_generator");
    drop = db.drop;
    await migratePostgres(db.url, join(__dirname, "..", "..", "subgraphs", "health-code", "prisma", "migrations"));
    pool = new Pool({ connectionString: db.url, max: 2 });
    prismaPool = new Pool({ connectionString: db.url, max: 2 });
    prisma = new PrismaClient({ adapter: new PrismaPg(prismaPool) });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await prismaPool?.end().catch(() => undefined);
    await pool?.end();
    await drop?.();
  });

  test("3,000 residents with causes, history and tests; the silo's loaders read them back by recomputed person ids; a second run is refused", async () => {
    const client = await pool.connect();
    try {
      const report = await copyResidents(client, { count: 3000, pepper, seed: 7, now: NOW });
      expect(report.rows.resident).toBe(3000);
      const counts = (await client.query(`SELECT (SELECT count(*) FROM resident)::int AS r, (SELECT count(*) FROM status_cause)::int AS c, (SELECT count(*) FROM status_change)::int AS h, (SELECT count(*) FROM test_record)::int AS t`)).rows[0];
      expect(counts).toEqual({ r: 3000, c: report.rows.status_cause, h: report.rows.status_change, t: report.rows.test_record });
      await expect(copyResidents(client, { count: 10, pepper, seed: 7, now: NOW })).rejects.toThrow(/already has residents/);
      expect((await client.query(`SELECT count(*)::int AS n FROM resident`)).rows[0].n).toBe(3000);
    } finally {
      client.release();
    }
    // The ends, and the first resident with an open cause of each colour.
    const colourOf = { POPUP_MEDICINE: "POPUP", POPUP_TRAVEL: "POPUP", POPUP_RISK_POINT: "POPUP", HOME_OBSERVATION: "YELLOW", CENTRAL_QUARANTINE: "RED" } as const;
    const firstOf = (colour: string) => Array.from({ length: 3000 }, (_, i) => i).find((i) => planAt(i, 7, NOW).causes.some((c) => c.clearedAt === null && colourOf[c.kind] === colour))!;
    const indexes = [0, 2999, firstOf("POPUP"), firstOf("YELLOW"), firstOf("RED")];
    const loaders = createLoaders(prisma, { role: "RESIDENT" });
    for (const i of indexes) {
      const plan = planAt(i, 7, NOW);
      const personId = generatedPersonId(idNumberAt(i, 7), pepper);
      const resident = await loaders.resident.load(personId);
      expect(resident?.documentNumber).toBe(plan.resident.idNumber);
      expect(resident?.phone).toBe(plan.resident.phone);
      const open = await loaders.openCauses.load(personId);
      expect(open.map((c) => c.kind)).toEqual(plan.causes.filter((c) => c.clearedAt === null).map((c) => c.kind));
      const openKind = plan.causes.find((c) => c.clearedAt === null)?.kind;
      expect(deriveStatus(open, null).colour).toBe(openKind ? colourOf[openKind] : "GREEN");
    }
  });
});
