// The answer to each item of a result upload, decided from one read of the tubes it names
// (results.ts). Pure: no database, so every rule is visible in one place.
import type { TestOutcome, TestResult } from "./generated/prisma/client";
import { normalCode } from "./codes";

export type ItemStatus = "RECORDED" | "UNCHANGED" | "CONFLICT" | "NOT_FOUND" | "FORBIDDEN" | "INVALID";

/** One item's answer; `result` is set for RECORDED and UNCHANGED. */
export interface ItemAnswer {
  index: number;
  tubeCode: string;
  status: ItemStatus;
  /** A stable reason for a refusal (UNKNOWN_TUBE, NOT_RECEIVED, DIFFERENT_RESULT, …). */
  reason?: string;
  message?: string;
  result?: TestResult;
}

/** A tube as the upload's read returns it; `recordedAt` as a Date, an ISO string or epoch milliseconds. */
export type TubeRow = {
  tubeId: string; code: string; status: string; agencyId: string; hasSwab: boolean;
  resultId: string | null; outcome: TestOutcome | null; resultAgencyId: string | null; resultBy: string | null; recordedAt: Date | string | number | null;
};

/** A tube to record, and the upload items that name it. */
export interface FreshTube { tube: TubeRow; outcome: TestOutcome; indexes: number[] }

const CODE = /^[A-Z0-9-]{1,40}$/;
const CONTRADICTORY = Symbol("contradictory");

const refusal = (status: ItemStatus, reason: string, message: string) => ({ status, reason, message });

/** Why a tube cannot take this outcome now, or null when it can (or already has it). */
function refusalFor(tube: TubeRow, outcome: TestOutcome, agencyId: string) {
  const c = tube.code;
  if (tube.agencyId !== agencyId) return refusal("FORBIDDEN", "OTHER_AGENCY", `Tube ${c} was sampled for another agency: only that agency's lab may record it.`);
  if (tube.resultId !== null) {
    return tube.outcome === outcome ? null : refusal("CONFLICT", "DIFFERENT_RESULT", `Tube ${c} already has a ${tube.outcome} result; it is never overwritten by an upload (a correction is a re-test).`);
  }
  if (!tube.hasSwab) return refusal("CONFLICT", "NEVER_COLLECTED", `Tube ${c} has nobody registered in it: it was never collected.`);
  if (tube.status === "REJECTED") return refusal("CONFLICT", "REJECTED", `Tube ${c} was rejected by the lab: its people need a new sample.`);
  if (tube.status === "COLLECTED" || tube.status === "IN_TRANSIT") return refusal("CONFLICT", "NOT_RECEIVED", `Tube ${c} has not been received by the lab yet (it is ${tube.status}): receive its box first.`);
  return null;
}

/**
 * Answers every item that can be answered from the read; the rest come back as tubes to record.
 * `positions` (when the items are a part of a larger upload) gives each item's place in the whole
 * upload, which its answer carries as `index`; the returned array is in the part's own order.
 */
export function classifyUpload(inputs: ReadonlyArray<{ tubeCode: string; outcome: TestOutcome }>, tubes: TubeRow[], agencyId: string, positions?: readonly number[]): { answers: ItemAnswer[]; fresh: FreshTube[] } {
  const byCode = new Map<string, TubeRow>();
  for (const t of tubes) byCode.set(t.code, t);
  // Each code's outcome in this upload, or CONTRADICTORY when it is named with two different ones.
  const n = inputs.length;
  const codes = new Array<string>(n);
  const outcomes = new Map<string, TestOutcome | typeof CONTRADICTORY>();
  for (let i = 0; i < n; i++) {
    const c = (codes[i] = normalCode(inputs[i]!.tubeCode));
    const seen = outcomes.get(c);
    if (seen === undefined) outcomes.set(c, inputs[i]!.outcome);
    else if (seen !== inputs[i]!.outcome) outcomes.set(c, CONTRADICTORY);
  }
  const fresh = new Map<string, FreshTube>();
  const answers = new Array<ItemAnswer>(n);
  for (let k = 0; k < n; k++) {
    const index = positions ? positions[k]! : k;
    const tubeCode = codes[k]!;
    const outcome = inputs[k]!.outcome;
    if (!CODE.test(tubeCode)) {
      answers[k] = { index, tubeCode, ...refusal("INVALID", "MALFORMED_CODE", `Item ${index}: a tube code is 1 to 40 letters, digits or dashes.`) };
      continue;
    }
    if (outcomes.get(tubeCode) === CONTRADICTORY) {
      answers[k] = { index, tubeCode, ...refusal("INVALID", "CONTRADICTORY_DUPLICATE", `Tube ${tubeCode} appears more than once in this upload with different outcomes: fix the upload.`) };
      continue;
    }
    const tube = byCode.get(tubeCode);
    if (!tube) {
      answers[k] = { index, tubeCode, ...refusal("NOT_FOUND", "UNKNOWN_TUBE", `No tube has the code ${tubeCode}: the result is kept in your agency's orphan queue (orphanResults) to match to the right tube.`) };
      continue;
    }
    const refused = refusalFor(tube, outcome, agencyId);
    if (refused) {
      answers[k] = { index, tubeCode, ...refused };
      continue;
    }
    if (tube.resultId !== null) {
      const at = tube.recordedAt!;
      const result: TestResult = { id: tube.resultId, tubeId: tube.tubeId, outcome: tube.outcome!, agencyId: tube.resultAgencyId!, recordedBy: tube.resultBy, recordedAt: at instanceof Date ? at : new Date(typeof at === "string" ? at : Number(at)) };
      answers[k] = { index, tubeCode, status: "UNCHANGED", result };
      continue;
    }
    let entry = fresh.get(tubeCode);
    if (!entry) fresh.set(tubeCode, (entry = { tube, outcome, indexes: [] }));
    entry.indexes.push(k);
    answers[k] = { index, tubeCode, status: "RECORDED" };
  }
  return { answers, fresh: [...fresh.values()] };
}
