// Health-code's consumer applying one upload: 10 ResultsRecorded events of 1,000 tubes each (one
// person a tube, 300 residents), as the consumer applies a read's run of them (applyBatchOnce, the
// `.many` handler), on a fresh database of the machine's PostgreSQL. With `--baseline DIR` (another
// checkout of the project, its dependencies installed), that checkout's apply and handler run in the
// same process, alternating, each on a database of its own migrated with its own checkout's
// migrations (so a schema change is compared too), under the same load.
// Prints the times (ms, read to commit) and their medians; asserts the rows written.
//   npx tsx bench/consumerApply.ts [--rounds 8] [--baseline ../other-checkout]
import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { Pool } from "pg";
import { applyMigrations, readMigrations } from "../kernel/db/migrate";
import { pgDatabase } from "../kernel/db/sql";
import type { EventEnvelope, EventHandler } from "../kernel/events";
import { median } from "./support/stats";

const argOf = (name: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : undefined);
const ROUNDS = Number(argOf("rounds") ?? 8);
const BASELINE = argOf("baseline");
const ADMIN = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const NAME = `bench_consumer_apply_${process.pid}`;

type Apply = (db: ReturnType<typeof pgDatabase>, group: string, items: Array<{ event: EventEnvelope; handler: EventHandler }>) => Promise<boolean[]>;

async function load(root: string): Promise<{ root: string; apply: Apply; handler: EventHandler }> {
  const apply = (await import(join(root, "kernel", "events", "apply.ts"))) as { applyBatchOnce: Apply };
  const handler = (await import(join(root, "subgraphs", "health-code", "events", "resultRecorded.ts"))) as { onResultsRecorded: EventHandler };
  return { root, apply: apply.applyBatchOnce, handler: handler.onResultsRecorded };
}

async function main(): Promise<void> {
  const variants: Record<string, { root: string; apply: Apply; handler: EventHandler }> = { this: await load(resolve(__dirname, "..")) };
  if (BASELINE) variants.baseline = await load(resolve(BASELINE));
  const admin = new Pool({ connectionString: ADMIN, max: 1 });
  const names = Object.keys(variants);
  // Each variant on a database of its own, migrated with its own checkout's migrations (a schema
  // change is compared too), filled alike.
  const pools: Record<string, Pool> = {};
  try {
    for (const v of names) {
      await admin.query(`CREATE DATABASE ${NAME}_${v}`);
      const url = new URL(ADMIN);
      url.pathname = `/${NAME}_${v}`;
      const pool = (pools[v] = new Pool({ connectionString: url.toString(), max: 2 }));
      await applyMigrations(
        { query: async (t: string, p?: unknown[]) => (await pool.query(t, p)).rows, exec: async (s: string) => void (await pool.query(s)), withLock: (fn) => fn() },
        readMigrations(join(variants[v]!.root, "subgraphs", "health-code", "prisma", "migrations")),
      );
      await pool.query(`INSERT INTO resident (person_id, document_type, document_number, name, birth_date, district, community)
        SELECT 'P' || lpad(g::text, 20, '0'), 'CITIZEN_ID', 'D' || g, 'R', '1980-01-01', 'D1', 'C' || (g % 10) FROM generate_series(1, 300) g`);
    }
    const persons = Array.from({ length: 300 }, (_, i) => "P" + String(i + 1).padStart(20, "0"));
    const dbs = Object.fromEntries(names.map((v) => [v, pgDatabase(pools[v]!)]));
    let box = 0, position = 0;
    const upload = (): EventEnvelope[] => {
      box++;
      const now = new Date().toISOString();
      return Array.from({ length: 10 }, (_, e) => ({
        id: randomUUID(), type: "ResultsRecorded", version: 1, source: "testing", position: ++position, aggregateId: `results:${box}`, occurredAt: now,
        payload: { results: Array.from({ length: 1000 }, (_, i) => ({ tubeId: `T-${box}-${e * 1000 + i}`, outcome: "NEGATIVE", recordedAt: now, agencyId: "A", pooled: false, persons: [{ personId: persons[(e * 1000 + i) % 300]!, swabbedAt: now }] })) },
      }));
    };
    const uploads: Record<string, number> = Object.fromEntries(names.map((v) => [v, 0]));
    const run = (v: string) => (uploads[v]!++, variants[v]!.apply(dbs[v]!, "health-code.bench", upload().map((event) => ({ event, handler: variants[v]!.handler }))));
    for (const v of names) await run(v); // warm-up
    const times: Record<string, number[]> = Object.fromEntries(names.map((v) => [v, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const v of r % 2 ? [...names].reverse() : names) {
        const t = performance.now();
        await run(v);
        times[v]!.push(Math.round(performance.now() - t));
      }
    }
    for (const v of names) {
      const rows = Number((await pools[v]!.query(`SELECT count(*) AS n FROM test_record`)).rows[0].n);
      if (rows !== uploads[v]! * 10_000) throw new Error(`${v}: test_record has ${rows} rows, expected ${uploads[v]! * 10_000}`);
    }
    for (const v of names) console.log(`${v}: median ${median(times[v]!)} ms (${times[v]!.join(", ")})`);
    console.log(JSON.stringify({ bench: "consumer-apply", rounds: ROUNDS, medianMs: Object.fromEntries(names.map((v) => [v, median(times[v]!)])), ms: times }));
  } finally {
    for (const v of names) {
      await pools[v]?.end();
      await admin.query(`DROP DATABASE IF EXISTS ${NAME}_${v}`);
    }
    await admin.end();
  }
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
