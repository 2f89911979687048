// Recovery times measured by the fault suite. `npm run bench:faults` (bench/faults.ts) runs the
// suite with FAULTS_REPORT set and prints what the tests recorded; a plain test run records nothing.
import { appendFileSync } from "node:fs";

/** Appends one measurement (a JSON line) to $FAULTS_REPORT when it is set. */
export function record(fault: string, measure: string, ms: number): void {
  const file = process.env.FAULTS_REPORT;
  if (file) appendFileSync(file, `${JSON.stringify({ fault, measure, ms: Math.round(ms) })}\n`);
}
