// Labs record results. Uploads are idempotent (the same outcome again changes nothing) and bulk
// uploads are all-or-nothing, so a retried upload never duplicates or half-applies results.
// Results are written only here, never through the health-code silo (seed 004's outage came
// from every upload funnelling through the status endpoint): status is derived at read time.
// Each newly recorded result is also a ResultRecorded event, appended in the same transaction.
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

async function recordAll(tx: Tx, agencyId: string, inputs: RecordResultInput[]): Promise<{ recorded: TestResult[]; unchanged: TestResult[] }> {
  const wanted = new Map<string, TestOutcome>();
  for (const input of inputs) {
    const code = scannedCode(input.tubeCode, "tube");
    const seen = wanted.get(code);
    if (seen && seen !== input.outcome) throw fail("BAD_USER_INPUT", `Tube ${code} appears twice in this upload with different outcomes: fix the upload.`);
    wanted.set(code, input.outcome);
  }
  const codes = [...wanted.keys()];
  const tubes = await tx.sampleTube.findMany({ where: { code: { in: codes } }, include: { box: { include: { site: true } }, result: true, _count: { select: { swabs: true } } } });
  const unknown = codes.filter((c) => !tubes.some((t) => t.code === c));
  if (unknown.length > 0) throw fail("NOT_FOUND", `${unknown.length} tube code(s) are unknown: ${unknown.slice(0, 5).join(", ")}. Nothing was recorded.`, { tubeCodes: unknown.slice(0, 50) });
  const recorded: TestResult[] = [];
  const unchanged: TestResult[] = [];
  for (const tube of tubes) {
    const outcome = wanted.get(tube.code)!;
    if (tube.box.site.agencyId !== agencyId) throw fail("FORBIDDEN", `Tube ${tube.code} was sampled for another agency. Nothing was recorded.`);
    if (tube._count.swabs === 0) throw fail("CONFLICT", `Tube ${tube.code} has nobody registered in it. Nothing was recorded.`);
    if (tube.result) {
      if (tube.result.outcome !== outcome) throw fail("CONFLICT", `Tube ${tube.code} already has a ${tube.result.outcome} result; a correction is not an upload. Nothing was recorded.`);
      unchanged.push(tube.result);
    } else {
      recorded.push(await tx.testResult.create({ data: { tubeId: tube.id, outcome, agencyId } }));
    }
  }
  if (recorded.length > 0) {
    const swabs = await tx.swab.findMany({ where: { tubeId: { in: recorded.map((r) => r.tubeId) } }, select: { tubeId: true, personId: true, swabbedAt: true } });
    await appendEvents(prismaSql(tx), resultRecordedEvents(recorded, swabs, new Set(tubes.filter((t) => t.capacity > 1).map((t) => t.id))));
  }
  return { recorded, unchanged };
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
