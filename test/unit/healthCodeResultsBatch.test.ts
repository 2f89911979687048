// Health-code's consumer applies a batch of ResultsRecorded events in one transaction
// (kernel/events/apply.ts applyBatchOnce, subgraphs/health-code/events/resultRecorded.ts): one
// processed_event row and one receipt per event, the residents' records inserted (a record kept
// already is never overwritten), a person who is no resident answered with RegistrationUnmatched
// and given no record, a positive pooled tube raising POOLED_POSITIVE, and the same batch again
// applying nothing.
// Runs on PGlite, and on PostgreSQL too when TEST_DATABASE_URL is set.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { openSiloDatabase, type SiloDatabase } from "../../kernel/db/open";
import { applyBatchOnce } from "../../kernel/events/apply";
import type { EventEnvelope, EventHandler } from "../../kernel/events";
import { onResultsRecorded } from "../../subgraphs/health-code/events/resultRecorded";
import { createTestDatabase, MODES } from "../support/services";

const GROUP = "health-code.results-batch";

describe.each(MODES)("health-code applies ResultsRecorded in batches (%s)", (mode) => {
  let db: SiloDatabase;
  let drop: (() => Promise<void>) | undefined;
  const count = async (text: string, params: unknown[] = []) => Number((await db.sql.query<{ n: string }>(text, params))[0]!.n);

  beforeAll(async () => {
    let url: string | undefined;
    if (mode === "services") ({ url, drop } = await createTestDatabase("hc_results_batch"));
    db = await openSiloDatabase({ url, migrationsDir: join(__dirname, "..", "..", "subgraphs", "health-code", "prisma", "migrations"), poolSize: 2 });
    await db.sql.query(
      `INSERT INTO resident (person_id, document_type, document_number, name, birth_date, district, community)
       SELECT p, 'CITIZEN_ID', 'DOC-' || p, 'R', '1980-01-01', 'D1', 'C1' FROM unnest($1::text[]) p`,
      [["p-batch-1", "p-batch-2", "p-batch-3"]],
    );
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  const recordedAt = "2026-11-26T10:00:00.000Z";
  const swabbedAt = "2026-11-26T08:00:00.000Z";
  const event = (position: number, results: unknown[]): EventEnvelope => ({
    id: randomUUID(), type: "ResultsRecorded", version: 1, aggregateId: "results:x", occurredAt: recordedAt, source: "testing", position, payload: { results },
  });
  const tube = (tubeId: string, outcome: string, pooled: boolean | undefined, persons: string[]) => ({ tubeId, outcome, recordedAt, agencyId: "A", ...(pooled === undefined ? {} : { pooled }), persons: persons.map((personId) => ({ personId, swabbedAt })) });

  it("records residents' results once, answers the others as unmatched, and applies a batch only once", async () => {
    // A record kept already: the event's other outcome must not overwrite it.
    await db.sql.query(`INSERT INTO test_record (tube_id, person_id, outcome, pooled, swabbed_at, recorded_at) VALUES ('T-B-KEPT', 'p-batch-1', 'POSITIVE', false, $1::timestamptz, $1::timestamptz)`, [swabbedAt]);
    const events = [
      event(1, [tube("T-B-1", "NEGATIVE", false, ["p-batch-1"]), tube("T-B-KEPT", "NEGATIVE", false, ["p-batch-1"]), tube("T-B-OLD", "NEGATIVE", undefined, ["p-batch-3"])]),
      event(2, [tube("T-B-POOL", "POSITIVE", true, ["p-batch-2", "p-batch-3", "p-not-resident"])]),
    ];
    const items = events.map((e) => ({ event: e, handler: onResultsRecorded as EventHandler }));
    expect(await applyBatchOnce(db.sql, GROUP, items)).toEqual([true, true]);

    const records = await db.sql.query<{ tube_id: string; person_id: string; outcome: string; pooled: boolean | null; swabbed: string }>(
      `SELECT tube_id, person_id, outcome, pooled, to_char(swabbed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') AS swabbed FROM test_record WHERE tube_id LIKE 'T-B-%' ORDER BY tube_id, person_id`,
    );
    expect(records.map((r) => [r.tube_id, r.person_id, r.outcome, r.pooled])).toEqual([
      ["T-B-1", "p-batch-1", "NEGATIVE", false],
      ["T-B-KEPT", "p-batch-1", "POSITIVE", false],
      ["T-B-OLD", "p-batch-3", "NEGATIVE", null],
      ["T-B-POOL", "p-batch-2", "POSITIVE", true],
      ["T-B-POOL", "p-batch-3", "POSITIVE", true],
    ]);
    expect(records[0]!.swabbed).toBe("2026-11-26T08:00:00");
    // The non-resident: no record, one RegistrationUnmatched naming only them.
    const unmatched = await db.sql.query<{ payload: { tubeId: string; persons: Array<{ personId: string }> } }>(`SELECT payload FROM outbox_event WHERE type = 'RegistrationUnmatched'`);
    expect(unmatched.map((u) => [u.payload.tubeId, u.payload.persons.map((p) => p.personId)])).toEqual([["T-B-POOL", ["p-not-resident"]]]);
    // The pooled positive raised a cause for each resident in the tube.
    expect(await count(`SELECT count(*)::text AS n FROM status_cause WHERE kind = 'POOLED_POSITIVE' AND cleared_at IS NULL`)).toBe(2);
    expect(await count(`SELECT count(*)::text AS n FROM processed_event WHERE consumer = $1`, [GROUP])).toBe(2);
    expect(await count(`SELECT count(*)::text AS n FROM event_receipt WHERE consumer = $1 AND source = 'testing'`, [GROUP])).toBe(2);

    // Redelivered: nothing applied, nothing added.
    const outbox = await count(`SELECT count(*)::text AS n FROM outbox_event`);
    expect(await applyBatchOnce(db.sql, GROUP, items)).toEqual([false, false]);
    expect(await count(`SELECT count(*)::text AS n FROM test_record WHERE tube_id LIKE 'T-B-%'`)).toBe(5);
    expect(await count(`SELECT count(*)::text AS n FROM outbox_event`)).toBe(outbox);
    expect(await count(`SELECT count(*)::text AS n FROM status_cause WHERE kind = 'POOLED_POSITIVE'`)).toBe(2);
  });

  it("takes an event with no tubes, and a tube of no residents only as unmatched", async () => {
    const before = await count(`SELECT count(*)::text AS n FROM test_record`);
    const items = [event(3, []), event(4, [tube("T-B-NOBODY", "NEGATIVE", false, ["p-nobody"])])].map((e) => ({ event: e, handler: onResultsRecorded as EventHandler }));
    expect(await applyBatchOnce(db.sql, GROUP, items)).toEqual([true, true]);
    expect(await count(`SELECT count(*)::text AS n FROM test_record`)).toBe(before);
    expect(await count(`SELECT count(*)::text AS n FROM outbox_event WHERE type = 'RegistrationUnmatched' AND payload->>'tubeId' = 'T-B-NOBODY'`)).toBe(1);
    expect(await count(`SELECT count(*)::text AS n FROM event_receipt WHERE consumer = $1 AND source = 'testing'`, [GROUP])).toBe(4);
  });
});
