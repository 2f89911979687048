// The status read's statements on their own: PostgreSQL backend CPU per call (from /proc of the
// backend, so neither Node nor the network is counted) of testing's PERSON_TESTS and health-code's
// two reads, on the services-mode databases after a history like bench:ingest-gateway's (each
// "round" adds 20,000 tubes with one swab and one NEGATIVE result each over the 300 residents).
// `--baseline DIR` times another checkout's PERSON_TESTS beside this one's, alternating.
//   npx tsx bench/statusReadSql.ts [--rounds 2] [--calls 1000] [--baseline /path/to/checkout]
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client, Pool } from "pg";
import { argText } from "./support/args";
import { cpuSeconds } from "./support/processes";
import { startStack } from "./support/stack";

const ROUNDS = Number(argText("rounds") ?? 2), CALLS = Number(argText("calls") ?? 1000), BASELINE = argText("baseline");
const ADMIN = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";

/** The text of `const NAME = \`...\`` in a source file (the statements are module constants). */
function statement(root: string, file: string, name: string): string {
  const m = readFileSync(join(root, file), "utf8").match(new RegExp(`const ${name} = \`([\\s\\S]*?)\`;`));
  if (!m) throw new Error(`${name} not found in ${root}/${file}`);
  return m[1]!;
}

/** Backend CPU ms per call of `text` over CALLS calls (after 50 unmeasured), on a fresh connection. */
async function perCall(url: string, name: string, text: string, values: (i: number) => unknown[]): Promise<number> {
  const c = new Client({ connectionString: url });
  c.on("error", () => undefined);
  await c.connect();
  try {
    const pid = Number((await c.query("SELECT pg_backend_pid() AS p")).rows[0].p);
    for (let i = 0; i < 50; i++) await c.query({ name, text, values: values(i) });
    const c0 = cpuSeconds(pid);
    for (let i = 0; i < CALLS; i++) await c.query({ name, text, values: values(i) });
    return ((cpuSeconds(pid) - c0) / CALLS) * 1000;
  } finally {
    await c.end();
  }
}

async function main() {
  const stack = await startStack({ admin: ADMIN, redis: REDIS, residents: 300 });
  try {
    const db = new Pool({ connectionString: stack.dbs.testing, max: 1 });
    const site = stack.city.sites[0]!;
    const persons = stack.city.residents.map((r) => r.personId);
    for (let r = 0; r < ROUNDS * 2; r++) {
      const box = `B-SQL-${randomUUID().slice(0, 8)}`;
      const codes = Array.from({ length: 10_000 }, (_, i) => `${box}-${i}`);
      await db.query(`INSERT INTO transport_box (id, code, site_id, status) VALUES ($1, $1, $2, 'RECEIVED')`, [box, site.id]);
      await db.query(`INSERT INTO sample_tube (id, code, box_id, capacity, status) SELECT c, c, $2, 1, 'RESULTED' FROM unnest($1::text[]) c`, [codes, box]);
      await db.query(`INSERT INTO swab (id, tube_id, person_id, document_type, document_masked) SELECT gen_random_uuid()::text, c, p, 'CITIZEN_ID', '11**************1X' FROM unnest($1::text[], $2::text[]) AS x(c, p)`, [codes, codes.map((_, i) => persons[i % persons.length]!)]);
      await db.query(`INSERT INTO test_result (id, tube_id, outcome, agency_id) SELECT gen_random_uuid()::text, c, 'NEGATIVE', $2 FROM unnest($1::text[]) c`, [codes, site.agencyId]);
    }
    await db.end();
    const readers = persons.slice(0, 8);
    const one = (i: number) => [[readers[i % readers.length]!]];
    const here = statement(".", "subgraphs/testing/personTests.ts", "PERSON_TESTS");
    const base = BASELINE ? statement(BASELINE, "subgraphs/testing/personTests.ts", "PERSON_TESTS") : undefined;
    for (let rep = 0; rep < 2; rep++) {
      const line: string[] = [];
      line.push(`testing PERSON_TESTS ${(await perCall(stack.dbs.testing, "pt", here, (i) => [...one(i), 1])).toFixed(3)}`);
      if (base) line.push(`baseline ${(await perCall(stack.dbs.testing, "pt_base", base, (i) => [...one(i), 1])).toFixed(3)}`);
      line.push(`health-code RESIDENTS ${(await perCall(stack.dbs["health-code"], "r", statement(".", "subgraphs/health-code/hotReads.ts", "RESIDENTS"), one)).toFixed(3)}`);
      line.push(`OPEN_CAUSES ${(await perCall(stack.dbs["health-code"], "c", statement(".", "subgraphs/health-code/hotReads.ts", "OPEN_CAUSES"), one)).toFixed(3)}`);
      console.log(`backend CPU ms per call (${CALLS} calls, history of ${ROUNDS} rounds): ${line.join(", ")}`);
    }
  } finally {
    await stack.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
