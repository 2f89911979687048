// Bulk result upload (subgraphs/testing/results.ts): set-based writes keep the upload's promises.
// All or nothing (one bad tube and nothing is written, no result and no event), idempotent on
// retry (the same upload again records nothing and emits nothing), one ResultRecorded event per
// new tube naming its swabbed persons, and the read-time status sees every result at once.
// Runs on PGlite, and on PostgreSQL too when TEST_DATABASE_URL is set.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { GraphQLError } from "graphql";
import { buildCity, type DemoCity } from "../../kernel/demo/city";
import { openSiloDatabase, type SiloDatabase } from "../../kernel/db/open";
import { PrismaClient } from "../../subgraphs/testing/generated/prisma/client";
import { seedTesting } from "../../subgraphs/testing/seed";
import { recordResult, recordResults, MAX_BATCH } from "../../subgraphs/testing/results";
import { createTestDatabase, MODES } from "../support/services";

const BULK = 1200;

describe.each(MODES)("recordResults (%s)", (mode) => {
  let db: SiloDatabase;
  let prisma: PrismaClient;
  let city: DemoCity;
  let drop: (() => Promise<void>) | undefined;
  let agencyId: string;
  let otherAgency: string;
  const bulkCodes: string[] = [];

  const events = async () => Number((await db.sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM outbox_event WHERE type = 'ResultRecorded'`))[0]!.n);
  const results = () => prisma.testResult.count();
  async function refused(p: Promise<unknown>, code: string): Promise<void> {
    const err = await p.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(GraphQLError);
    expect((err as GraphQLError).extensions.code).toBe(code);
  }

  beforeAll(async () => {
    let url: string | undefined;
    if (mode === "services") ({ url, drop } = await createTestDatabase("record_results"));
    db = await openSiloDatabase({ url, migrationsDir: join(__dirname, "..", "..", "subgraphs", "testing", "prisma", "migrations"), poolSize: 2 });
    prisma = new PrismaClient({ adapter: db.adapter });
    city = buildCity(randomBytes(32), 40);
    expect(await seedTesting(prisma, city)).toBe(true);
    const site = city.sites[0]!;
    agencyId = site.agencyId;
    otherAgency = city.agencies.find((a) => a.id !== agencyId)!.id;
    // BULK fresh tubes of this agency, one person swabbed into each.
    const box = await prisma.transportBox.create({ data: { code: "B-BULK", siteId: site.id } });
    for (let i = 0; i < BULK; i++) bulkCodes.push(`T-BULK-${String(i).padStart(5, "0")}`);
    await prisma.sampleTube.createMany({ data: bulkCodes.map((code) => ({ id: code, code, boxId: box.id, capacity: 1 })) });
    await prisma.swab.createMany({ data: bulkCodes.map((code, i) => ({ tubeId: code, personId: `p-bulk-${i}`, documentType: "CITIZEN_ID", documentMasked: "11**************1X" })) });
    await prisma.sampleTube.create({ data: { id: "T-EMPTY", code: "T-EMPTY", boxId: box.id, capacity: 1 } });
    const foreignSite = city.sites.find((s) => s.agencyId === otherAgency)!;
    const foreignBox = await prisma.transportBox.create({ data: { code: "B-FOREIGN", siteId: foreignSite.id } });
    await prisma.sampleTube.create({ data: { id: "T-FOREIGN", code: "T-FOREIGN", boxId: foreignBox.id, capacity: 1 } });
    await prisma.swab.create({ data: { tubeId: "T-FOREIGN", personId: "p-foreign", documentType: "CITIZEN_ID", documentMasked: "11**************1X" } });
  }, 120_000);
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.close();
    await drop?.();
  });

  test("one bad tube anywhere in the upload and nothing is written", async () => {
    const before = { results: await results(), events: await events() };
    const good = bulkCodes.slice(0, 100).map((tubeCode) => ({ tubeCode, outcome: "NEGATIVE" as const }));
    await refused(recordResults(prisma, agencyId, [...good, { tubeCode: "T-NO-SUCH", outcome: "NEGATIVE" }]), "NOT_FOUND");
    await refused(recordResults(prisma, agencyId, [...good, { tubeCode: "T-EMPTY", outcome: "NEGATIVE" }]), "CONFLICT");
    await refused(recordResults(prisma, agencyId, [...good, { tubeCode: "T-FOREIGN", outcome: "NEGATIVE" }]), "FORBIDDEN");
    await refused(recordResults(prisma, agencyId, [...good, { tubeCode: bulkCodes[0]!, outcome: "POSITIVE" }]), "BAD_USER_INPUT");
    await refused(recordResults(prisma, agencyId, [...good, { tubeCode: "bad code!", outcome: "NEGATIVE" }]), "BAD_USER_INPUT");
    await refused(recordResults(prisma, agencyId, Array.from({ length: MAX_BATCH + 1 }, () => good[0]!)), "BAD_USER_INPUT");
    expect({ results: await results(), events: await events() }).toEqual(before);
  });

  test("a bulk upload records every tube with one event each; the same upload again changes nothing", async () => {
    const before = { results: await results(), events: await events() };
    const upload = bulkCodes.map((tubeCode, i) => ({ tubeCode: i % 2 ? tubeCode.toLowerCase() : tubeCode, outcome: i % 10 === 0 ? ("POSITIVE" as const) : ("NEGATIVE" as const) }));
    expect(await recordResults(prisma, agencyId, upload)).toEqual({ recorded: BULK, unchanged: 0 });
    expect(await results()).toBe(before.results + BULK);
    expect(await events()).toBe(before.events + BULK);
    const stored = await prisma.testResult.findMany({ where: { tubeId: { in: bulkCodes } } });
    expect(stored).toHaveLength(BULK);
    for (const r of stored) {
      const i = bulkCodes.indexOf(r.tubeId);
      expect(r.outcome).toBe(i % 10 === 0 ? "POSITIVE" : "NEGATIVE");
      expect(r.agencyId).toBe(agencyId);
    }
    const [event] = await db.sql.query<{ payload: { tubeId: string; outcome: string; persons: Array<{ personId: string }> } }>(
      `SELECT payload FROM outbox_event WHERE type = 'ResultRecorded' AND aggregate_id = $1`,
      [bulkCodes[7]],
    );
    expect(event!.payload.tubeId).toBe(bulkCodes[7]);
    expect(event!.payload.outcome).toBe("NEGATIVE");
    expect(event!.payload.persons.map((p) => p.personId)).toEqual(["p-bulk-7"]);

    // Retry: idempotent, and a mix of old and new tubes is refused only when an outcome differs.
    expect(await recordResults(prisma, agencyId, upload)).toEqual({ recorded: 0, unchanged: BULK });
    expect(await events()).toBe(before.events + BULK);
    await refused(recordResults(prisma, agencyId, [{ tubeCode: bulkCodes[1]!, outcome: "POSITIVE" }]), "CONFLICT");
    const single = await recordResult(prisma, agencyId, { tubeCode: bulkCodes[3]!, outcome: "NEGATIVE" });
    expect(single.tubeId).toBe(bulkCodes[3]);
    expect(single.recordedAt).toBeInstanceOf(Date);
    expect(await results()).toBe(before.results + BULK);
  });
});
