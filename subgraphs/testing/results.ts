// Labs record results. Uploads are idempotent (the same outcome again changes nothing) and bulk
// uploads are all-or-nothing, so a retried upload never duplicates or half-applies results.
// Results are written only here, never through the health-code silo (seed 004's outage came
// from every upload funnelling through the status endpoint): status is derived at read time.
// Each newly recorded result is also a ResultRecorded event, appended in the same transaction.
import { randomUUID } from "node:crypto";
import type { PrismaClient, TestResult, TestOutcome } from "./generated/prisma/client";
import { fail } from "../../kernel/runtime/errors";
import { prismaSql } from "../../kernel/db/sql";
import { appendEvents } from "../../kernel/events";
import { scannedCode } from "./codes";
import { resultRecordedEvents } from "./events/resultRecorded";

export interface RecordResultInput {
  tubeCode: string;
  outcome: TestOutcome;
}

/** The most tube results one upload may carry. */
export const MAX_BATCH = 5000;

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

type TubeRow = { tubeId: string; code: string; capacity: number; agencyId: string; hasSwab: boolean; resultId: string | null; outcome: TestOutcome | null; resultAgencyId: string | null; recordedAt: Date | string | null };
type ResultRow = { id: string; tubeId: string; outcome: TestOutcome; agencyId: string; recordedAt: Date | string };

const asResult = (r: ResultRow): TestResult => ({ ...r, recordedAt: r.recordedAt instanceof Date ? r.recordedAt : new Date(r.recordedAt) });

// Set-based, whatever the upload's size: one read of every tube named (with its agency, whether
// anyone is in it, and any result), one INSERT … SELECT FROM unnest(…) of the new results, one
// read of their swabs and the outbox rows, all in the caller's transaction. One statement per
// tube made an upload cost about 1 ms a result.
async function recordAll(tx: Tx, agencyId: string, inputs: RecordResultInput[]): Promise<{ recorded: TestResult[]; unchanged: TestResult[] }> {
  const wanted = new Map<string, TestOutcome>();
  for (const input of inputs) {
    const code = scannedCode(input.tubeCode, "tube");
    const seen = wanted.get(code);
    if (seen && seen !== input.outcome) throw fail("BAD_USER_INPUT", `Tube ${code} appears twice in this upload with different outcomes: fix the upload.`);
    wanted.set(code, input.outcome);
  }
  const codes = [...wanted.keys()];
  const tubes = await tx.$queryRawUnsafe<TubeRow[]>(
    `SELECT t.id AS "tubeId", t.code, t.capacity, si.agency_id AS "agencyId", EXISTS (SELECT 1 FROM swab s WHERE s.tube_id = t.id) AS "hasSwab",
            r.id AS "resultId", r.outcome::text AS outcome, r.agency_id AS "resultAgencyId", r.recorded_at AS "recordedAt"
     FROM sample_tube t
     JOIN transport_box b ON b.id = t.box_id
     JOIN sampling_site si ON si.id = b.site_id
     LEFT JOIN test_result r ON r.tube_id = t.id
     WHERE t.code = ANY($1::text[])
     ORDER BY t.code`,
    codes,
  );
  const found = new Set(tubes.map((t) => t.code));
  const unknown = codes.filter((c) => !found.has(c));
  if (unknown.length > 0) throw fail("NOT_FOUND", `${unknown.length} tube code(s) are unknown: ${unknown.slice(0, 5).join(", ")}. Nothing was recorded.`, { tubeCodes: unknown.slice(0, 50) });
  const unchanged: TestResult[] = [];
  const fresh: TubeRow[] = [];
  for (const tube of tubes) {
    const outcome = wanted.get(tube.code)!;
    if (tube.agencyId !== agencyId) throw fail("FORBIDDEN", `Tube ${tube.code} was sampled for another agency. Nothing was recorded.`);
    if (!tube.hasSwab) throw fail("CONFLICT", `Tube ${tube.code} has nobody registered in it. Nothing was recorded.`);
    if (tube.resultId !== null) {
      if (tube.outcome !== outcome) throw fail("CONFLICT", `Tube ${tube.code} already has a ${tube.outcome} result; a correction is not an upload. Nothing was recorded.`);
      unchanged.push(asResult({ id: tube.resultId, tubeId: tube.tubeId, outcome: tube.outcome, agencyId: tube.resultAgencyId!, recordedAt: tube.recordedAt! }));
    } else fresh.push(tube);
  }
  if (fresh.length === 0) return { recorded: [], unchanged };
  // ON CONFLICT: a concurrent upload may have recorded one of these tubes since the read above.
  const inserted = await tx.$queryRawUnsafe<ResultRow[]>(
    `INSERT INTO test_result (id, tube_id, outcome, agency_id)
     SELECT id, tube_id, outcome::"TestOutcome", $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS n(id, tube_id, outcome)
     ON CONFLICT (tube_id) DO NOTHING
     RETURNING id, tube_id AS "tubeId", outcome::text AS outcome, agency_id AS "agencyId", recorded_at AS "recordedAt"`,
    fresh.map(() => randomUUID()),
    fresh.map((t) => t.tubeId),
    fresh.map((t) => wanted.get(t.code)!),
    agencyId,
  );
  const recorded = inserted.map(asResult);
  if (recorded.length < fresh.length) await raceLosers(tx, fresh, new Set(recorded.map((r) => r.tubeId)), wanted, unchanged);
  if (recorded.length > 0) {
    const swabs = await tx.$queryRawUnsafe<Array<{ tubeId: string; personId: string; swabbedAt: Date | string }>>(
      `SELECT tube_id AS "tubeId", person_id AS "personId", swabbed_at AS "swabbedAt" FROM swab WHERE tube_id = ANY($1::text[])`,
      recorded.map((r) => r.tubeId),
    );
    // Pooled tubes (capacity above one): health-code raises POOLED_POSITIVE on their positives.
    const pooled = new Set(tubes.filter((t) => Number(t.capacity) > 1).map((t) => t.tubeId));
    await appendEvents(prismaSql(tx), resultRecordedEvents(recorded, swabs.map((s) => ({ ...s, swabbedAt: s.swabbedAt instanceof Date ? s.swabbedAt : new Date(s.swabbedAt) })), pooled));
  }
  return { recorded, unchanged };
}

/** Tubes a concurrent upload recorded first: the same outcome is unchanged, another is a CONFLICT. */
async function raceLosers(tx: Tx, fresh: TubeRow[], won: Set<string>, wanted: Map<string, TestOutcome>, unchanged: TestResult[]): Promise<void> {
  const lost = fresh.filter((t) => !won.has(t.tubeId));
  const rows = await tx.$queryRawUnsafe<ResultRow[]>(
    `SELECT id, tube_id AS "tubeId", outcome::text AS outcome, agency_id AS "agencyId", recorded_at AS "recordedAt" FROM test_result WHERE tube_id = ANY($1::text[])`,
    lost.map((t) => t.tubeId),
  );
  for (const tube of lost) {
    const row = rows.find((r) => r.tubeId === tube.tubeId)!;
    if (row.outcome !== wanted.get(tube.code)) throw fail("CONFLICT", `Tube ${tube.code} already has a ${row.outcome} result; a correction is not an upload. Nothing was recorded.`);
    unchanged.push(asResult(row));
  }
}

/** Records one tube's result (idempotent); `notify` wakes the relay after a commit that emitted events. */
export async function recordResult(prisma: PrismaClient, agencyId: string, input: RecordResultInput, notify: () => void = () => undefined): Promise<TestResult> {
  const { recorded, unchanged } = await prisma.$transaction((tx) => recordAll(tx, agencyId, [input]));
  if (recorded.length > 0) notify();
  return (recorded[0] ?? unchanged[0])!;
}

/** Records many results in one transaction: all or none. */
export async function recordResults(prisma: PrismaClient, agencyId: string, inputs: RecordResultInput[], notify: () => void = () => undefined): Promise<{ recorded: number; unchanged: number }> {
  if (inputs.length === 0) return { recorded: 0, unchanged: 0 };
  if (inputs.length > MAX_BATCH) throw fail("BAD_USER_INPUT", `One upload may carry at most ${MAX_BATCH} results: split it.`);
  const { recorded, unchanged } = await prisma.$transaction((tx) => recordAll(tx, agencyId, inputs), { timeout: 60_000 });
  if (recorded.length > 0) notify();
  return { recorded: recorded.length, unchanged: unchanged.length };
}
