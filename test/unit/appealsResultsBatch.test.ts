// Appeals' replica of test results (subgraphs/appeals/events/resultRecorded.ts): a batch of
// ResultsRecorded events inserts one result_replica row per (tube, person), as typed arrays; a
// row kept already is never overwritten, and the same batch again changes nothing.
// Runs on PGlite, and on PostgreSQL too when TEST_DATABASE_URL is set.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { openSiloDatabase, type SiloDatabase } from "../../kernel/db/open";
import type { EventEnvelope } from "../../kernel/events";
import { onResultsRecorded } from "../../subgraphs/appeals/events/resultRecorded";
import { createTestDatabase, MODES } from "../support/services";

describe.each(MODES)("appeals replicates ResultsRecorded in batches (%s)", (mode) => {
  let db: SiloDatabase;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    let url: string | undefined;
    if (mode === "services") ({ url, drop } = await createTestDatabase("appeals_results_batch"));
    db = await openSiloDatabase({ url, migrationsDir: join(__dirname, "..", "..", "subgraphs", "appeals", "prisma", "migrations"), poolSize: 2 });
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  const event = (results: unknown[]): EventEnvelope => ({
    id: randomUUID(), type: "ResultsRecorded", version: 1, aggregateId: "results:x", occurredAt: "2026-11-26T10:00:00.000Z", source: "testing", position: 1, payload: { results },
  });
  const tube = (tubeId: string, outcome: string, persons: Array<[string, string]>) => ({ tubeId, outcome, recordedAt: "2026-11-26T10:00:00.000Z", persons: persons.map(([personId, swabbedAt]) => ({ personId, swabbedAt })) });
  const rows = () => db.sql.query<{ tube_id: string; person_id: string; outcome: string; swabbed_at: string }>(
    `SELECT tube_id, person_id, outcome, to_char(swabbed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS swabbed_at FROM result_replica ORDER BY tube_id, person_id`,
  );

  it("inserts every tube's persons once, keeps what it had, and ignores malformed entries", async () => {
    await db.sql.query(`INSERT INTO result_replica (tube_id, person_id, outcome, swabbed_at) VALUES ('T-A2', 'p-2', 'POSITIVE', '2026-11-26T07:00:00Z')`);
    const batch = [
      event([tube("T-A1", "NEGATIVE", [["p-1", "2026-11-26T08:00:00.000Z"]]), tube("T-A2", "NEGATIVE", [["p-2", "2026-11-26T08:00:00.000Z"], ["p-3", "2026-11-26T08:30:00.000Z"]])]),
      event([tube("T-A3", "POSITIVE", [["p-4", "2026-11-26T09:00:00.000Z"]]), { tubeId: 7, persons: [] }, { tubeId: "T-A4" }]),
    ];
    const expected = [
      { tube_id: "T-A1", person_id: "p-1", outcome: "NEGATIVE", swabbed_at: "2026-11-26T08:00:00.000" },
      { tube_id: "T-A2", person_id: "p-2", outcome: "POSITIVE", swabbed_at: "2026-11-26T07:00:00.000" },
      { tube_id: "T-A2", person_id: "p-3", outcome: "NEGATIVE", swabbed_at: "2026-11-26T08:30:00.000" },
      { tube_id: "T-A3", person_id: "p-4", outcome: "POSITIVE", swabbed_at: "2026-11-26T09:00:00.000" },
    ];
    await db.sql.transaction((tx) => onResultsRecorded.many!(batch, tx));
    expect(await rows()).toEqual(expected);
    await db.sql.transaction((tx) => onResultsRecorded.many!(batch, tx));
    await db.sql.transaction((tx) => onResultsRecorded(batch[0]!, tx));
    expect(await rows()).toEqual(expected);
  });
});
