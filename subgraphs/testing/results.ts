// Labs record results. Every item of an upload gets its own answer (RECORDED, UNCHANGED, CONFLICT,
// NOT_FOUND, FORBIDDEN, INVALID) and the good items commit even when others are refused, so one
// mis-typed tube no longer throws away a lab's whole upload. A retry of the same upload changes
// nothing (UNCHANGED), and a different outcome for a resulted tube is a CONFLICT, never written.
// Results are written only here, never through the health-code silo (seed 004's outage came
// from every upload funnelling through the status endpoint): status is derived at read time.
// The newly recorded results are also ResultsRecorded events (up to 1,000 tubes each), appended in the same statement.
// How large an upload may be is the gateway's limit (docs/testing.md), checked before planning.
import { randomUUID } from "node:crypto";
import type { PrismaClient, TestResult, TestOutcome } from "./generated/prisma/client";
import { fail } from "../../kernel/runtime/errors";
import { prismaSql, type Sql, type SqlDatabase } from "../../kernel/db/sql";
import { OUTBOX_CHANNEL } from "../../kernel/events/outbox";
import { RECORD_RESULTS_SQL, RESULTS_PER_EVENT } from "./events/resultRecorded";
import { normalCode } from "./codes";
import { classifyUpload, type ItemAnswer, type TubeRow } from "./resultItems";
import { claimOrphan, keepOrphans } from "./orphans";
import type { Actor } from "./custody";

export interface RecordResultInput {
  tubeCode: string;
  outcome: TestOutcome;
}

export type { ItemAnswer, ItemStatus } from "./resultItems";

export interface RecordResultsAnswer {
  recorded: number;
  unchanged: number;
  refused: number;
  /** One answer per input item, in upload order. */
  items: ItemAnswer[];
}

// Set-based, whatever the upload's size, over the kernel's SQL seam (pg or PGlite directly for an
// upload, so 10,000-row answers skip Prisma's row mapping): one read of every tube named (locked,
// with its agency, state, whether anyone is in it and any result), then ONE statement that inserts
// the new results and appends their ResultsRecorded outbox rows (RESULTS_PER_EVENT tubes an
// event; the relay adds each tube's persons after commit), all in one transaction. A tube with a
// result is RESULTED by that (custody.ts): its row is not updated. Lists travel as one JSON parameter: pg, PGlite and Prisma bind that alike.
// One statement per tube made an upload cost about 1 ms a result; one event per tube, most of the rest.
async function recordAll(sql: Sql, agencyId: string, recordedBy: string | null, inputs: RecordResultInput[], positions?: readonly number[]): Promise<ItemAnswer[]> {
  // An upload's estimated costs pass PostgreSQL's JIT threshold: compiling the plans cost about
  // 40 ms per 10,000-item upload and saved nothing, so bulk statements run without it.
  if (inputs.length > 1) await sql.query(`SET LOCAL jit = off`);
  const codes = [...new Set(inputs.map((i) => normalCode(i.tubeCode)))];
  // The rows go to classifyUpload as pg returns them (recordedAt in epoch ms): a copy of 10,000
  // rows into new objects cost more than the classification itself.
  const tubes = await sql.query<TubeRow>(
    `SELECT t.id AS "tubeId", t.code, t.status::text AS status, si.agency_id AS "agencyId",
            EXISTS (SELECT 1 FROM swab s WHERE s.tube_id = t.id) AS "hasSwab",
            r.id AS "resultId", r.outcome::text AS outcome, r.agency_id AS "resultAgencyId", r.recorded_by AS "resultBy",
            (extract(epoch FROM r.recorded_at) * 1000)::float8 AS "recordedAt"
     FROM sample_tube t
     JOIN transport_box b ON b.id = t.box_id
     JOIN sampling_site si ON si.id = b.site_id
     LEFT JOIN test_result r ON r.tube_id = t.id
     WHERE t.code = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))
     ORDER BY t.code
     FOR UPDATE OF t`,
    [JSON.stringify(codes)],
  );
  const { answers, fresh } = classifyUpload(inputs, tubes, agencyId, positions);
  // Unknown codes are kept in the agency's orphan queue (orphans.ts), in this same transaction.
  const unknown: Array<{ tubeCode: string; outcome: TestOutcome }> = [];
  for (let k = 0; k < answers.length; k++) {
    if (answers[k]!.reason === "UNKNOWN_TUBE") unknown.push({ tubeCode: answers[k]!.tubeCode, outcome: inputs[k]!.outcome });
  }
  await keepOrphans(sql, agencyId, recordedBy, unknown);
  if (fresh.length === 0) return answers;
  const ids = fresh.map(() => randomUUID());
  // ON CONFLICT: a concurrent upload may have recorded one of these tubes since the read above.
  const [write] = await sql.query<{ recorded: number; recordedMs: number | null }>(RECORD_RESULTS_SQL, [
    JSON.stringify(fresh.map((f, i) => ({ id: ids[i], tubeId: f.tube.tubeId, outcome: f.outcome }))),
    agencyId,
    recordedBy,
    RESULTS_PER_EVENT,
    OUTBOX_CHANNEL,
  ]);
  const recorded = Number(write?.recorded ?? 0);
  const recordedAt = new Date(Number(write?.recordedMs ?? Date.now()));
  // Every fresh tube was inserted unless a result appeared outside the lock: only then ask which.
  const lost = recorded === fresh.length ? undefined : await insertedOf(sql, ids);
  fresh.forEach((f, k) => {
    const ok = lost === undefined || lost.has(ids[k]!);
    const result: TestResult | undefined = ok ? { id: ids[k]!, tubeId: f.tube.tubeId, outcome: f.outcome, agencyId, recordedBy, recordedAt } : undefined;
    // The answers classifyUpload made for these items are this call's own: filled in place.
    for (const i of f.indexes) {
      if (result) answers[i]!.result = result;
      else answers[i] = lostRace(answers[i]!);
    }
  });
  return answers;
}

/** Uploads at least this large are written as RESULT_WRITE_PARTS transactions side by side. */
const PARTS_FROM = 2_000;

/** How many transactions a large upload is written in (RESULTS_WRITE_PARTS, 1 to 8; default 2). */
export function resultWriteParts(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.RESULTS_WRITE_PARTS;
  if (raw === undefined || raw === "") return 2;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 8) throw new Error(`RESULTS_WRITE_PARTS must be a whole number from 1 to 8, not ${JSON.stringify(raw)}.`);
  return n;
}

/** Read once at start: a bad value stops the silo with the message above. */
const WRITE_PARTS = resultWriteParts();

/** Which part a tube code is written in: the same code always in the same part, so its items are classified together. */
function partOf(code: string, parts: number): number {
  let h = 0;
  for (let i = 0; i < code.length; i++) h = (h * 31 + code.charCodeAt(i)) | 0;
  return (h >>> 0) % parts;
}

/**
 * A large upload is written as several transactions at once, each over the items whose tube codes
 * fall in its part (each code in exactly one part), so PostgreSQL works on it with more than one
 * core. Each part is what a smaller upload is: its tubes locked in code order, its items answered,
 * its good items committed with their events. Parts never share a tube, and every transaction
 * locks tubes in code order, so two uploads at once cannot deadlock on them. A part that fails
 * (the database) fails the request, as one transaction did; the parts already committed stay, and
 * a retry answers their items UNCHANGED and records the rest.
 */
async function recordInParts(db: SqlDatabase, agencyId: string, recordedBy: string | null, inputs: RecordResultInput[]): Promise<ItemAnswer[]> {
  const parts = inputs.length >= PARTS_FROM ? WRITE_PARTS : 1;
  if (parts === 1) return db.transaction((sql) => recordAll(sql, agencyId, recordedBy, inputs));
  const groups = Array.from({ length: parts }, () => ({ inputs: [] as RecordResultInput[], positions: [] as number[] }));
  inputs.forEach((input, i) => {
    const g = groups[partOf(normalCode(input.tubeCode), parts)]!;
    g.inputs.push(input);
    g.positions.push(i);
  });
  const answered = await Promise.allSettled(groups.map((g) => (g.inputs.length === 0 ? Promise.resolve([]) : db.transaction((sql) => recordAll(sql, agencyId, recordedBy, g.inputs, g.positions)))));
  const failed = answered.find((a) => a.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  const items = new Array<ItemAnswer>(inputs.length);
  for (const a of answered) for (const item of (a as PromiseFulfilledResult<ItemAnswer[]>).value) items[item.index] = item;
  return items;
}


/** Which of the result ids this transaction tried to insert are in test_result. */
async function insertedOf(sql: Sql, ids: string[]): Promise<Set<string>> {
  const rows = await sql.query<{ id: string }>(`SELECT id FROM test_result WHERE id = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))`, [JSON.stringify(ids)]);
  return new Set(rows.map((r) => r.id));
}

/** The tube was locked, so a lost insert means a result appeared outside the lock: refuse, never overwrite. */
function lostRace(a: ItemAnswer): ItemAnswer {
  return { ...a, status: "CONFLICT", reason: "ALREADY_RESULTED", message: `Tube ${a.tubeCode} was resulted by another upload at the same time: upload it again to see its result.` };
}

/** Records one tube's result (idempotent); a refused item is thrown as its error code. */
export async function recordResult(prisma: PrismaClient, agencyId: string, input: RecordResultInput, notify: () => void = () => undefined, recordedBy: string | null = null): Promise<TestResult> {
  const [answer] = await prisma.$transaction((tx) => recordAll(prismaSql(tx), agencyId, recordedBy, [input]));
  if (answer!.status === "RECORDED") notify();
  if (answer!.result) return answer!.result;
  const code = answer!.status === "INVALID" ? "BAD_USER_INPUT" : (answer!.status as "CONFLICT" | "NOT_FOUND" | "FORBIDDEN");
  throw fail(code, answer!.message ?? "This result was not recorded.", { reason: answer!.reason, field: "tubeCode" });
}

/**
 * Records many results in one transaction, each item answered on its own; good items commit.
 * With `db` (the silo's own pg pool or PGlite, as the resolver passes) the transaction runs on it
 * directly; without, through Prisma.
 */
export async function recordResults(prisma: PrismaClient, agencyId: string, inputs: RecordResultInput[], notify: () => void = () => undefined, recordedBy: string | null = null, db?: SqlDatabase): Promise<RecordResultsAnswer> {
  const run = (sql: Sql) => recordAll(sql, agencyId, recordedBy, inputs);
  const items = inputs.length === 0 ? [] : db ? await recordInParts(db, agencyId, recordedBy, inputs) : await prisma.$transaction((tx) => run(prismaSql(tx)), { timeout: 120_000 });
  const count = (s: string) => items.filter((i) => i.status === s).length;
  const recorded = count("RECORDED");
  if (recorded > 0) notify();
  return { recorded, unchanged: count("UNCHANGED"), refused: items.length - recorded - count("UNCHANGED"), items };
}

/** The agency's lab moves an orphan result onto a candidate tube: recorded like an upload item, in one transaction with the orphan's resolution. */
export async function resolveOrphanResult(prisma: PrismaClient, agencyId: string, actor: Actor, orphanId: string, tubeCode: string, notify: () => void = () => undefined): Promise<TestResult> {
  const result = await prisma.$transaction(async (tx) => {
    const { orphan, tubeCode: code } = await claimOrphan(tx, agencyId, actor, orphanId, tubeCode);
    const [answer] = await recordAll(prismaSql(tx), agencyId, actor.id, [{ tubeCode: code, outcome: orphan.outcome as TestOutcome }]);
    if (answer!.status !== "RECORDED") throw fail(answer!.status === "INVALID" ? "BAD_USER_INPUT" : (answer!.status as "CONFLICT"), answer!.message ?? "The result was not recorded.", { reason: answer!.reason });
    return answer!.result!;
  });
  notify();
  return result;
}
