// THE OLD PATH, kept only so bench/ingest.ts can measure it side by side with the current one
// (BENCH_INGEST_COMPARE=1): recordResults as of 4545b94, through a Prisma transaction, one
// ResultRecorded outbox row per tube (multi-row VALUES inserts), a separate read of the swabs.
// Not used by the service.
// Labs record results. Every item of an upload gets its own answer (RECORDED, UNCHANGED, CONFLICT,
// NOT_FOUND, FORBIDDEN, INVALID) and the good items commit even when others are refused, so one
// mis-typed tube no longer throws away a lab's whole upload. A retry of the same upload changes
// nothing (UNCHANGED), and a different outcome for a resulted tube is a CONFLICT, never written.
// Results are written only here, never through the health-code silo (seed 004's outage came
// from every upload funnelling through the status endpoint): status is derived at read time.
// Each newly recorded result is also a ResultRecorded event, appended in the same transaction.
// How large an upload may be is the gateway's limit (docs/testing.md), checked before planning.
import { randomUUID } from "node:crypto";
import type { PrismaClient, TestResult, TestOutcome } from "../../subgraphs/testing/generated/prisma/client";
import { prismaSql } from "../../kernel/db/sql";
import { appendEvents } from "../../kernel/events";
import { resultRecordedEvents } from "./resultRecorded";
import { classifyUpload, type ItemAnswer, type TubeRow } from "../../subgraphs/testing/resultItems";

export interface RecordResultInput {
  tubeCode: string;
  outcome: TestOutcome;
}


export interface RecordResultsAnswer {
  recorded: number;
  unchanged: number;
  refused: number;
  /** One answer per input item, in upload order. */
  items: ItemAnswer[];
}

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
type ResultRow = { id: string; tubeId: string; outcome: TestOutcome; agencyId: string; recordedBy: string | null; recordedAt: Date | string };

const asResult = (r: ResultRow): TestResult => ({ ...r, recordedAt: r.recordedAt instanceof Date ? r.recordedAt : new Date(r.recordedAt) });

// Set-based, whatever the upload's size: one read of every tube named (locked, with its agency,
// state, whether anyone is in it and any result), one INSERT … SELECT FROM unnest(…) of the new
// results that also moves their tubes to RESULTED, one read of their swabs and the outbox rows,
// all in one transaction. One statement per tube made an upload cost about 1 ms a result.
async function recordAll(tx: Tx, agencyId: string, recordedBy: string | null, inputs: RecordResultInput[]): Promise<ItemAnswer[]> {
  const codes = [...new Set(inputs.map((i) => i.tubeCode.trim().toUpperCase()))];
  const tubes = await tx.$queryRawUnsafe<Array<TubeRow & { capacity: number }>>(
    `SELECT t.id AS "tubeId", t.code, t.capacity, t.status::text AS status, si.agency_id AS "agencyId",
            EXISTS (SELECT 1 FROM swab s WHERE s.tube_id = t.id) AS "hasSwab",
            r.id AS "resultId", r.outcome::text AS outcome, r.agency_id AS "resultAgencyId", r.recorded_by AS "resultBy", r.recorded_at AS "recordedAt"
     FROM sample_tube t
     JOIN transport_box b ON b.id = t.box_id
     JOIN sampling_site si ON si.id = b.site_id
     LEFT JOIN test_result r ON r.tube_id = t.id
     WHERE t.code = ANY($1::text[])
     ORDER BY t.code
     FOR UPDATE OF t`,
    codes,
  );
  const { answers, fresh } = classifyUpload(inputs, tubes, agencyId);
  // Unknown codes are kept in the agency's orphan queue (orphans.ts), in this same transaction.
  const unknown = answers.filter((a) => a.reason === "UNKNOWN_TUBE");
  await keepOrphans(tx, agencyId, recordedBy, unknown.map((a) => ({ tubeCode: a.tubeCode, outcome: inputs[a.index]!.outcome })));
  if (fresh.length === 0) return answers;
  // ON CONFLICT: a concurrent upload may have recorded one of these tubes since the read above.
  const inserted = await tx.$queryRawUnsafe<ResultRow[]>(
    `WITH ins AS (
       INSERT INTO test_result (id, tube_id, outcome, agency_id, recorded_by)
       SELECT id, tube_id, outcome::"TestOutcome", $4, $5 FROM unnest($1::text[], $2::text[], $3::text[]) AS n(id, tube_id, outcome)
       ON CONFLICT (tube_id) DO NOTHING
       RETURNING id, tube_id, outcome, agency_id, recorded_by, recorded_at
     ), moved AS (
       UPDATE sample_tube t SET status = 'RESULTED' FROM ins WHERE t.id = ins.tube_id RETURNING t.id
     )
     SELECT id, tube_id AS "tubeId", outcome::text AS outcome, agency_id AS "agencyId", recorded_by AS "recordedBy", recorded_at AS "recordedAt" FROM ins`,
    fresh.map(() => randomUUID()),
    fresh.map((f) => f.tube.tubeId),
    fresh.map((f) => f.outcome),
    agencyId,
    recordedBy,
  );
  const recorded = inserted.map(asResult);
  const byTube = new Map(recorded.map((r) => [r.tubeId, r]));
  for (const f of fresh) {
    const result = byTube.get(f.tube.tubeId);
    for (const i of f.indexes) answers[i] = result ? { ...answers[i]!, status: "RECORDED", result } : lostRace(answers[i]!);
  }
  if (recorded.length > 0) {
    const swabs = await tx.$queryRawUnsafe<Array<{ tubeId: string; personId: string; swabbedAt: Date | string }>>(
      `SELECT tube_id AS "tubeId", person_id AS "personId", swabbed_at AS "swabbedAt" FROM swab WHERE tube_id = ANY($1::text[])`,
      recorded.map((r) => r.tubeId),
    );
    // Pooled tubes (capacity above one): health-code raises POOLED_POSITIVE on their positives.
    const pooled = new Set(tubes.filter((t) => Number(t.capacity) > 1).map((t) => t.tubeId));
    await appendEvents(prismaSql(tx), resultRecordedEvents(recorded, swabs.map((s) => ({ ...s, swabbedAt: s.swabbedAt instanceof Date ? s.swabbedAt : new Date(s.swabbedAt) })), pooled));
  }
  return answers;
}

/** The tube was locked, so a lost insert means a result appeared outside the lock: refuse, never overwrite. */
function lostRace(a: ItemAnswer): ItemAnswer {
  return { ...a, status: "CONFLICT", reason: "ALREADY_RESULTED", message: `Tube ${a.tubeCode} was resulted by another upload at the same time: upload it again to see its result.` };
}

/** Records many results in one transaction, each item answered on its own; good items commit. */
export async function recordResults(prisma: PrismaClient, agencyId: string, inputs: RecordResultInput[], notify: () => void = () => undefined, recordedBy: string | null = null): Promise<RecordResultsAnswer> {
  const items = inputs.length === 0 ? [] : await prisma.$transaction((tx) => recordAll(tx, agencyId, recordedBy, inputs), { timeout: 120_000 });
  const count = (s: string) => items.filter((i) => i.status === s).length;
  const recorded = count("RECORDED");
  if (recorded > 0) notify();
  return { recorded, unchanged: count("UNCHANGED"), refused: items.length - recorded - count("UNCHANGED"), items };
}

async function keepOrphans(tx: Tx, agencyId: string, uploadedBy: string | null, items: Array<{ tubeCode: string; outcome: string }>): Promise<void> {
  if (items.length === 0) return;
  await tx.$executeRawUnsafe(
    `INSERT INTO orphan_result (id, agency_id, tube_code, outcome, uploaded_by)
     SELECT id::uuid, $4, code, outcome::"TestOutcome", $5 FROM unnest($1::text[], $2::text[], $3::text[]) AS n(id, code, outcome)
     ON CONFLICT (agency_id, tube_code) DO NOTHING`,
    items.map(() => randomUUID()),
    items.map((i) => i.tubeCode),
    items.map((i) => i.outcome),
    agencyId,
    uploadedBy,
  );
}
