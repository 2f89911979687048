// `npm run bench:faults`: runs the fault suite (test/faults) and prints the recovery times its tests
// recorded: time to the first successful request after PostgreSQL returns, to full answers after a
// paused silo resumes, to every lost event applied after Redis came back from an old snapshot.
// A report, not a test: the tests themselves assert the behaviour.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "hg-bench-faults-"));
const report = join(dir, "faults.jsonl");
const run = spawnSync(join(__dirname, "..", "node_modules", ".bin", "jest"), ["test/faults", "--runInBand"], {
  cwd: join(__dirname, ".."),
  env: { ...process.env, FAULTS_REPORT: report, NODE_OPTIONS: "--experimental-vm-modules" },
  stdio: ["ignore", "ignore", "inherit"],
});
let lines: Array<{ fault: string; measure: string; ms: number }> = [];
try {
  lines = readFileSync(report, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
} catch {
  // no measurements: the suite was skipped (no PostgreSQL binaries) or failed early
}
rmSync(dir, { recursive: true, force: true });
if (process.argv.includes("--json")) console.log(JSON.stringify(lines, null, 2));
else {
  console.log("| fault | measure | ms |\n| --- | --- | --- |");
  for (const l of lines) console.log(`| ${l.fault} | ${l.measure} | ${l.ms} |`);
}
process.exit(run.status ?? 1);
