// Bulk result upload (subgraphs/testing/results.ts): set-based writes keep the upload's promises.
// Each item answered on its own (a bad tube is refused with its reason and writes nothing, the
// good items commit), idempotent on retry (the same upload again records nothing and emits
// nothing), every new tube in a ResultsRecorded event (up to 1,000 tubes an event) naming its
// swabbed persons once the relay expands it, and only tubes the
// lab has received take a result.
// Runs on PGlite, and on PostgreSQL too when TEST_DATABASE_URL is set.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { GraphQLError } from "graphql";
import { Client } from "pg";
import { buildCity, type DemoCity } from "../../kernel/demo/city";
import { openSiloDatabase, type SiloDatabase } from "../../kernel/db/open";
import { PrismaClient } from "../../subgraphs/testing/generated/prisma/client";
import { seedTesting } from "../../subgraphs/testing/seed";
import { recordResult, recordResults, type RecordResultsAnswer } from "../../subgraphs/testing/results";
import { expandResultsRecorded, RECORD_RESULTS_SQL, type ResultPayload } from "../../subgraphs/testing/events/resultRecorded";
import type { EventEnvelope } from "../../kernel/events";
import type { Sql, SqlDatabase } from "../../kernel/db/sql";
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

  // Tubes carried by ResultsRecorded events (each item one tube's result).
  const events = async () => Number((await db.sql.query<{ n: string }>(`SELECT coalesce(sum(jsonb_array_length(payload->'results')), 0)::text AS n FROM outbox_event WHERE type = 'ResultsRecorded'`))[0]!.n);
  const eventRows = async () => Number((await db.sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM outbox_event WHERE type = 'ResultsRecorded'`))[0]!.n);
  const results = () => prisma.testResult.count();
  async function refused(p: Promise<unknown>, code: string): Promise<void> {
    const err = await p.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(GraphQLError);
    expect((err as GraphQLError).extensions.code).toBe(code);
  }

  let url: string | undefined;

  beforeAll(async () => {
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
    await prisma.sampleTube.createMany({ data: bulkCodes.map((code) => ({ id: code, code, boxId: box.id, capacity: 1, status: "RECEIVED" as const })) });
    await prisma.swab.createMany({ data: bulkCodes.map((code, i) => ({ tubeId: code, personId: `p-bulk-${i}`, documentType: "CITIZEN_ID", documentMasked: "11**************1X" })) });
    await prisma.sampleTube.create({ data: { id: "T-EMPTY", code: "T-EMPTY", boxId: box.id, capacity: 1, status: "RECEIVED" } });
    // Collected and still at the site: not received, so no result yet.
    await prisma.sampleTube.create({ data: { id: "T-AT-SITE", code: "T-AT-SITE", boxId: box.id, capacity: 1 } });
    await prisma.swab.create({ data: { tubeId: "T-AT-SITE", personId: "p-at-site", documentType: "CITIZEN_ID", documentMasked: "11**************1X" } });
    const foreignSite = city.sites.find((s) => s.agencyId === otherAgency)!;
    const foreignBox = await prisma.transportBox.create({ data: { code: "B-FOREIGN", siteId: foreignSite.id } });
    await prisma.sampleTube.create({ data: { id: "T-FOREIGN", code: "T-FOREIGN", boxId: foreignBox.id, capacity: 1, status: "RECEIVED" } });
    await prisma.swab.create({ data: { tubeId: "T-FOREIGN", personId: "p-foreign", documentType: "CITIZEN_ID", documentMasked: "11**************1X" } });
  }, 120_000);
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.close();
    await drop?.();
  });

  test("bad items are refused one by one with their reasons; the good items of the same upload commit", async () => {
    const before = { results: await results(), events: await events() };
    const good = bulkCodes.slice(BULK - 100).map((tubeCode) => ({ tubeCode, outcome: "NEGATIVE" as const }));
    const bad = [
      { tubeCode: "T-NO-SUCH", outcome: "NEGATIVE" as const },
      { tubeCode: "T-EMPTY", outcome: "NEGATIVE" as const },
      { tubeCode: "T-FOREIGN", outcome: "NEGATIVE" as const },
      { tubeCode: "T-AT-SITE", outcome: "NEGATIVE" as const },
      { tubeCode: "bad code!", outcome: "NEGATIVE" as const },
      { tubeCode: bulkCodes[BULK - 1]!, outcome: "POSITIVE" as const },
    ];
    const answer = await recordResults(prisma, agencyId, [...good, ...bad]);
    const refusedItems = answer.items.filter((i) => i.status !== "RECORDED").map((i) => [i.index, i.tubeCode, i.status, i.reason]);
    expect(refusedItems).toEqual([
      [BULK - 1 - (BULK - 100), bulkCodes[BULK - 1], "INVALID", "CONTRADICTORY_DUPLICATE"],
      [100, "T-NO-SUCH", "NOT_FOUND", "UNKNOWN_TUBE"],
      [101, "T-EMPTY", "CONFLICT", "NEVER_COLLECTED"],
      [102, "T-FOREIGN", "FORBIDDEN", "OTHER_AGENCY"],
      [103, "T-AT-SITE", "CONFLICT", "NOT_RECEIVED"],
      [104, "BAD CODE!", "INVALID", "MALFORMED_CODE"],
      [105, bulkCodes[BULK - 1], "INVALID", "CONTRADICTORY_DUPLICATE"],
    ]);
    expect(answer).toMatchObject({ recorded: 99, unchanged: 0, refused: 7 });
    expect(answer.items).toHaveLength(106);
    expect({ results: await results(), events: await events() }).toEqual({ results: before.results + 99, events: before.events + 99 });
    // Nothing was written for a refused tube.
    expect(await prisma.testResult.count({ where: { tubeId: { in: ["T-EMPTY", "T-FOREIGN", "T-AT-SITE", bulkCodes[BULK - 1]!] } } })).toBe(0);
    // The retry: the recorded items are UNCHANGED, the refused ones refused again, nothing new written.
    const again = await recordResults(prisma, agencyId, [...good, ...bad]);
    expect(again).toMatchObject({ recorded: 0, unchanged: 99, refused: 7 });
    expect({ results: await results(), events: await events() }).toEqual({ results: before.results + 99, events: before.events + 99 });
    // A single result's refusal is thrown with its code.
    await refused(recordResult(prisma, agencyId, { tubeCode: "T-AT-SITE", outcome: "NEGATIVE" }), "CONFLICT");
    await refused(recordResult(prisma, agencyId, { tubeCode: "T-NO-SUCH", outcome: "NEGATIVE" }), "NOT_FOUND");
  });

  test("a bulk upload records every tube with one event each; the same upload again changes nothing", async () => {
    const before = { results: await results(), events: await events(), rows: await eventRows() };
    const fresh = bulkCodes.slice(0, BULK - 100);
    const upload = fresh.map((tubeCode, i) => ({ tubeCode: i % 2 ? tubeCode.toLowerCase() : tubeCode, outcome: i % 10 === 0 ? ("POSITIVE" as const) : ("NEGATIVE" as const) }));
    // On the silo's own database handle, as the resolver calls it (the other test goes through Prisma).
    expect(await recordResults(prisma, agencyId, upload, undefined, null, db.sql)).toMatchObject({ recorded: fresh.length, unchanged: 0, refused: 0 });
    expect(await results()).toBe(before.results + fresh.length);
    expect(await events()).toBe(before.events + fresh.length);
    // 1,100 tubes: two events (1,000 and 100), not one per tube.
    expect(await eventRows()).toBe(before.rows + Math.ceil(fresh.length / 1000));
    const stored = await prisma.testResult.findMany({ where: { tubeId: { in: fresh } } });
    expect(stored).toHaveLength(fresh.length);
    // RESULTED is the result's existence (custody.ts): the upload leaves the tube rows as they were.
    expect(await prisma.sampleTube.count({ where: { id: { in: fresh }, status: "RECEIVED" } })).toBe(fresh.length);
    for (const r of stored) {
      const i = bulkCodes.indexOf(r.tubeId);
      expect(r.outcome).toBe(i % 10 === 0 ? "POSITIVE" : "NEGATIVE");
      expect(r.agencyId).toBe(agencyId);
    }
    // The outbox row holds only what the upload had (version 2); the relay's expander adds each
    // tube's pooling and persons from the swab table before publishing.
    const rows = await db.sql.query<{ id: string; version: number; payload: Record<string, unknown> | string }>(
      `SELECT id::text, version, payload FROM outbox_event WHERE type = 'ResultsRecorded' AND payload->'results' @> jsonb_build_array(jsonb_build_object('tubeId', $1::text))`,
      [bulkCodes[7]],
    );
    expect(rows).toHaveLength(1);
    const compact = (typeof rows[0]!.payload === "string" ? JSON.parse(rows[0]!.payload) : rows[0]!.payload) as { results: Array<Record<string, unknown>> };
    expect(rows[0]!.version).toBe(2);
    expect(compact.results.find((r) => r.tubeId === bulkCodes[7])).toEqual({ tubeId: bulkCodes[7], outcome: "NEGATIVE" });
    const envelope: EventEnvelope = { id: rows[0]!.id, type: "ResultsRecorded", version: 2, aggregateId: "results:x", occurredAt: new Date().toISOString(), source: "testing", payload: compact };
    await expandResultsRecorded([envelope], db.sql);
    expect(envelope.version).toBe(1);
    const published = (envelope.payload as { results: ResultPayload[] }).results;
    expect(published).toHaveLength(compact.results.length);
    const event = { payload: published.find((r) => r.tubeId === bulkCodes[7])! };
    expect(event.payload.outcome).toBe("NEGATIVE");
    expect(event.payload.persons.map((p) => p.personId)).toEqual(["p-bulk-7"]);
    // Times as the stored rows have them (ISO 8601 UTC), built by PostgreSQL.
    const item = event.payload;
    expect(item.recordedAt).toBe(stored.find((r) => r.tubeId === bulkCodes[7])!.recordedAt.toISOString());
    expect(item.persons[0]!.swabbedAt).toBe((await prisma.swab.findFirst({ where: { tubeId: bulkCodes[7]! } }))!.swabbedAt.toISOString());
    // A row written whole (version 1, before the compact form) is published as it is.
    const old: EventEnvelope = { ...envelope, version: 1, payload: { results: [item] } };
    await expandResultsRecorded([old], db.sql);
    expect(old.payload).toEqual({ results: [item] });
    expect(item).toMatchObject({ agencyId, pooled: false });

    // Retry: idempotent; a different outcome for a resulted tube is a CONFLICT and never overwrites.
    const retry = await recordResults(prisma, agencyId, upload, undefined, null, db.sql);
    expect(retry).toMatchObject({ recorded: 0, unchanged: fresh.length, refused: 0 });
    // Each UNCHANGED item answers with the stored result, its time exact to the millisecond.
    const seven = stored.find((r) => r.tubeId === bulkCodes[7])!;
    expect(retry.items[7]!.result).toEqual({ id: seven.id, tubeId: seven.tubeId, outcome: seven.outcome, agencyId, recordedBy: null, recordedAt: seven.recordedAt });
    expect(await events()).toBe(before.events + fresh.length);
    expect(await eventRows()).toBe(before.rows + Math.ceil(fresh.length / 1000));
    const conflict = await recordResults(prisma, agencyId, [{ tubeCode: bulkCodes[1]!, outcome: "POSITIVE" }]);
    expect(conflict.items[0]).toMatchObject({ status: "CONFLICT", reason: "DIFFERENT_RESULT" });
    expect((await prisma.testResult.findUnique({ where: { tubeId: bulkCodes[1]! } }))!.outcome).toBe("NEGATIVE");
    const single = await recordResult(prisma, agencyId, { tubeCode: bulkCodes[3]!, outcome: "NEGATIVE" });
    expect(single.tubeId).toBe(bulkCodes[3]);
    expect(single.recordedAt).toEqual(stored.find((r) => r.tubeId === bulkCodes[3])!.recordedAt);
    expect(await results()).toBe(before.results + fresh.length);
  });

  /** A new box of the city's first site holding `codes` as received tubes, one swab each; returns the codes. */
  async function receivedTubes(boxCode: string, codes: string[], personPrefix: string): Promise<string[]> {
    const box = await prisma.transportBox.create({ data: { code: boxCode, siteId: city.sites[0]!.id } });
    await prisma.sampleTube.createMany({ data: codes.map((code) => ({ id: code, code, boxId: box.id, capacity: 1, status: "RECEIVED" as const })) });
    await prisma.swab.createMany({ data: codes.map((code, i) => ({ tubeId: code, personId: `${personPrefix}-${i}`, documentType: "CITIZEN_ID", documentMasked: "11**************1X" })) });
    return codes;
  }

  /** Of `<prefix>-1..3`, the second was resulted POSITIVE by another writer: it is ALREADY_RESULTED and kept, the others recorded. */
  async function expectSecondLostTheRace(answer: RecordResultsAnswer, prefix: string): Promise<void> {
    expect(answer).toMatchObject({ recorded: 2, unchanged: 0, refused: 1 });
    expect(answer.items.map((i) => [i.tubeCode, i.status, i.reason ?? null])).toEqual([
      [`${prefix}-1`, "RECORDED", null],
      [`${prefix}-2`, "CONFLICT", "ALREADY_RESULTED"],
      [`${prefix}-3`, "RECORDED", null],
    ]);
    expect((await prisma.testResult.findUnique({ where: { tubeId: `${prefix}-2` } }))!.outcome).toBe("POSITIVE");
  }

  test("the relay's expander gives a pooled tube every person in swab order, and a tube with no swab none", async () => {
    const box = await prisma.transportBox.create({ data: { code: "B-POOL", siteId: city.sites[0]!.id } });
    await prisma.sampleTube.create({ data: { id: "T-POOL", code: "T-POOL", boxId: box.id, capacity: 10, status: "RECEIVED" } });
    await prisma.sampleTube.create({ data: { id: "T-POOL-EMPTY", code: "T-POOL-EMPTY", boxId: box.id, capacity: 10, status: "RECEIVED" } });
    // Swabbed out of id order: the event lists them by swab time (then person id).
    const at = (s: number) => new Date(Date.UTC(2026, 10, 27, 8, 0, s));
    const swabs = [
      { personId: "p-pool-c", swabbedAt: at(1) },
      { personId: "p-pool-a", swabbedAt: at(3) },
      { personId: "p-pool-b", swabbedAt: at(3) },
      { personId: "p-pool-d", swabbedAt: at(2) },
    ];
    await prisma.swab.createMany({ data: swabs.map((w) => ({ tubeId: "T-POOL", documentType: "CITIZEN_ID", documentMasked: "11**************1X", ...w })) });
    const envelope: EventEnvelope = {
      id: "00000000-0000-4000-8000-000000000001", type: "ResultsRecorded", version: 2, aggregateId: "results:T-POOL", occurredAt: new Date().toISOString(), source: "testing",
      payload: { recordedAt: "2026-11-27T08:10:00.000Z", agencyId, results: [{ tubeId: "T-POOL", outcome: "POSITIVE" }, { tubeId: "T-POOL-EMPTY", outcome: "NEGATIVE" }, { tubeId: bulkCodes[3]!, outcome: "NEGATIVE" }] },
    };
    await expandResultsRecorded([envelope], db.sql);
    const [pool, empty, single] = (envelope.payload as { results: ResultPayload[] }).results;
    expect(pool).toEqual({
      tubeId: "T-POOL", outcome: "POSITIVE", recordedAt: "2026-11-27T08:10:00.000Z", agencyId, pooled: true,
      persons: [
        { personId: "p-pool-c", swabbedAt: "2026-11-27T08:00:01.000Z" },
        { personId: "p-pool-d", swabbedAt: "2026-11-27T08:00:02.000Z" },
        { personId: "p-pool-a", swabbedAt: "2026-11-27T08:00:03.000Z" },
        { personId: "p-pool-b", swabbedAt: "2026-11-27T08:00:03.000Z" },
      ],
    });
    expect(empty).toMatchObject({ tubeId: "T-POOL-EMPTY", pooled: true, persons: [] });
    expect(single).toMatchObject({ tubeId: bulkCodes[3], pooled: false, persons: [{ personId: "p-bulk-3" }] });
  });

  test("a result that appears between the upload's read and its write is never overwritten: that item is ALREADY_RESULTED, the others commit", async () => {
    const codes = await receivedTubes("B-RACE", ["T-RACE-1", "T-RACE-2", "T-RACE-3"], "p-race");
    const before = await events();
    // A writer outside the tubes' lock records T-RACE-2 just before the upload's write.
    const racing: SqlDatabase = {
      query: (text, params) => db.sql.query(text, params),
      transaction: (fn) =>
        db.sql.transaction((tx) => {
          const inner: Sql = {
            async query<T>(text: string, params?: unknown[]) {
              if (text === RECORD_RESULTS_SQL) await tx.query(`INSERT INTO test_result (id, tube_id, outcome, agency_id) VALUES ('r-race', 'T-RACE-2', 'POSITIVE', $1)`, [agencyId]);
              return tx.query<T>(text, params);
            },
          };
          return fn(inner);
        }),
    };
    const answer = await recordResults(prisma, agencyId, codes.map((tubeCode) => ({ tubeCode, outcome: "NEGATIVE" as const })), undefined, null, racing);
    await expectSecondLostTheRace(answer, "T-RACE");
    // Each recorded item's answer is the stored row, time included.
    for (const item of answer.items.filter((i) => i.status === "RECORDED")) {
      const stored = (await prisma.testResult.findUnique({ where: { tubeId: item.tubeCode } }))!;
      expect(item.result).toMatchObject({ id: stored.id, outcome: "NEGATIVE", agencyId, recordedAt: stored.recordedAt });
    }
    expect(await events()).toBe(before + 2);
  });

  // Two connections: only against PostgreSQL.
  (mode === "services" ? test : test.skip)("a result committed by another transaction while the upload waits for the tube's lock is never overwritten: that item is ALREADY_RESULTED, the others commit", async () => {
    const codes = await receivedTubes("B-LOCK", ["T-LOCK-1", "T-LOCK-2", "T-LOCK-3"], "p-lock");
    const before = await events();
    const other = new Client({ connectionString: url });
    await other.connect();
    try {
      // The other writer's insert holds a key-share lock on T-LOCK-2 (the foreign key) until it commits.
      await other.query("BEGIN");
      await other.query(`INSERT INTO test_result (id, tube_id, outcome, agency_id) VALUES ('r-lock', 'T-LOCK-2', 'POSITIVE', $1)`, [agencyId]);
      const waiting: SqlDatabase = {
        query: (text, params) => db.sql.query(text, params),
        transaction: (fn) =>
          db.sql.transaction((tx) => {
            const inner: Sql = {
              async query<T>(text: string, params?: unknown[]) {
                // The read of the tubes, which locks them.
                if (!text.includes("FOR UPDATE OF t")) return tx.query<T>(text, params);
                const pid = (await tx.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`))[0]!.pid;
                const statement = tx.query<T>(text, params);
                // Once the upload's read waits for the tube's lock, the other writer commits.
                while ((await other.query(`SELECT 1 FROM pg_locks WHERE pid = $1 AND NOT granted`, [pid])).rowCount === 0) await new Promise((r) => setTimeout(r, 5));
                await other.query("COMMIT");
                return statement;
              },
            };
            return fn(inner);
          }),
      };
      const answer = await recordResults(prisma, agencyId, codes.map((tubeCode) => ({ tubeCode, outcome: "NEGATIVE" as const })), undefined, null, waiting);
      await expectSecondLostTheRace(answer, "T-LOCK");
      expect(await events()).toBe(before + 2);
    } finally {
      await other.end();
    }
  });

  test("a large upload is written in parts side by side: every item answered in upload order, each code's items in one part, a retry changes nothing", async () => {
    const codes = await receivedTubes("B-PARTS", Array.from({ length: 2100 }, (_, i) => `T-PARTS-${String(i).padStart(5, "0")}`), "p-parts");
    const before = { results: await results(), events: await events() };
    // Every code once, then a few again: the same outcome (lower case: the same tube), a different one, unknown codes, a malformed one.
    const upload = [
      ...codes.map((tubeCode) => ({ tubeCode, outcome: "NEGATIVE" as const })),
      { tubeCode: codes[5]!.toLowerCase(), outcome: "NEGATIVE" as const },
      { tubeCode: codes[6]!, outcome: "POSITIVE" as const },
      { tubeCode: "T-PARTS-NONE-1", outcome: "NEGATIVE" as const },
      { tubeCode: "T-PARTS-NONE-2", outcome: "NEGATIVE" as const },
      { tubeCode: "bad code!", outcome: "NEGATIVE" as const },
    ];
    const answer = await recordResults(prisma, agencyId, upload, undefined, null, db.sql);
    expect(answer.items).toHaveLength(upload.length);
    expect(answer.items.map((i) => i.index)).toEqual(upload.map((_, i) => i));
    expect(answer.items.map((i) => i.tubeCode)).toEqual(upload.map((u) => u.tubeCode.trim().toUpperCase()));
    expect(answer.items.filter((i) => i.status !== "RECORDED").map((i) => [i.index, i.status, i.reason])).toEqual([
      [6, "INVALID", "CONTRADICTORY_DUPLICATE"],
      [2101, "INVALID", "CONTRADICTORY_DUPLICATE"],
      [2102, "NOT_FOUND", "UNKNOWN_TUBE"],
      [2103, "NOT_FOUND", "UNKNOWN_TUBE"],
      [2104, "INVALID", "MALFORMED_CODE"],
    ]);
    expect(answer.items[2104]!.message).toContain("Item 2104");
    // Both items naming codes[5] carry the one stored result.
    expect(answer.items[2100]!.result).toEqual(answer.items[5]!.result);
    expect(answer).toMatchObject({ recorded: 2100, unchanged: 0, refused: 5 });
    expect({ results: await results(), events: await events() }).toEqual({ results: before.results + 2099, events: before.events + 2099 });
    expect(await prisma.orphanResult.count({ where: { tubeCode: { in: ["T-PARTS-NONE-1", "T-PARTS-NONE-2"] } } })).toBe(2);
    const retry = await recordResults(prisma, agencyId, upload, undefined, null, db.sql);
    expect(retry).toMatchObject({ recorded: 0, unchanged: 2100, refused: 5 });
    expect({ results: await results(), events: await events() }).toEqual({ results: before.results + 2099, events: before.events + 2099 });
    expect(await prisma.orphanResult.count({ where: { tubeCode: { in: ["T-PARTS-NONE-1", "T-PARTS-NONE-2"] } } })).toBe(2);
  }, 120_000);
});
