// Result ingestion with per-item answers (subgraphs/testing/results.ts) on a throwaway PostgreSQL
// database: uploads of the gateway's largest size (20,000 items) onto received tubes, the same
// uploads again (all UNCHANGED), and uploads with 1% bad items (refused per item, the rest
// committed). The subgraph function only, in this process: not through the gateway, so it is
// the write's ceiling, not the end-to-end figure. Prints rows/s per upload and one JSON
// line. Asserts nothing but the counts. BENCH_INGEST_UPLOADS (5) × 20,000 tubes.
// npm run bench:ingest
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Pool } from "pg";
import { buildCity } from "../kernel/demo/city";
import { openSiloDatabase } from "../kernel/db/open";
import { PrismaClient } from "../subgraphs/testing/generated/prisma/client";
import { seedTesting } from "../subgraphs/testing/seed";
import { recordResults } from "../subgraphs/testing/results";
import { recordResults as legacyRecordResults } from "./legacy/results";
import { median } from "./support/stats";

const ADMIN = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const UPLOAD = 20_000;
const UPLOADS = Number(process.env.BENCH_INGEST_UPLOADS ?? 5);
// BENCH_INGEST_VIA=prisma runs the transaction through Prisma (as recordResult does) instead of the pg pool (as the resolver does).
const VIA_PRISMA = process.env.BENCH_INGEST_VIA === "prisma";
// BENCH_INGEST_COMPARE=1: each upload also run through the old path (bench/legacy/results.ts, as of
// 4545b94: one outbox row per tube, through Prisma) on its own tubes, interleaved: side by side.
const COMPARE = process.env.BENCH_INGEST_COMPARE === "1";


async function main() {
  const admin = new Pool({ connectionString: ADMIN, max: 1 });
  const name = `bench_ingest_${process.pid}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN);
  url.pathname = `/${name}`;
  const db = await openSiloDatabase({ url: url.toString(), migrationsDir: join(__dirname, "..", "subgraphs", "testing", "prisma", "migrations"), poolSize: 2 });
  const prisma = new PrismaClient({ adapter: db.adapter });
  try {
    const city = buildCity(randomBytes(32), 200);
    await seedTesting(prisma, city);
    const site = city.sites[0]!;
    const persons = city.residents.map((r) => r.personId);
    const batches: string[][] = [];
    for (let u = 0; u < UPLOADS * (COMPARE ? 2 : 1); u++) {
      const box = `B-INGEST-${u}`;
      await db.sql.query(`INSERT INTO transport_box (id, code, site_id, status) VALUES ($1, $1, $2, 'RECEIVED')`, [box, site.id]);
      const codes = Array.from({ length: UPLOAD }, (_, i) => `T-IN-${u}-${String(i).padStart(5, "0")}`);
      await db.sql.query(`INSERT INTO sample_tube (id, code, box_id, capacity, status) SELECT c, c, $2, 10, 'RECEIVED' FROM unnest($1::text[]) c`, [codes, box]);
      // Three people per tube, like a part-filled 10-in-1 tube.
      await db.sql.query(
        `INSERT INTO swab (id, tube_id, person_id, document_type, document_masked) SELECT gen_random_uuid()::text, c, p, 'CITIZEN_ID', '11**************1X' FROM unnest($1::text[], $2::text[]) AS x(c, p)`,
        [codes.flatMap((c) => [c, c, c]), codes.flatMap((_, i) => [0, 1, 2].map((k) => persons[(i * 3 + k) % persons.length]!))],
      );
      batches.push(codes);
    }
    const rate = { fresh: [] as number[], retry: [] as number[], mixed: [] as number[], oldFresh: [] as number[], oldRetry: [] as number[], oldMixed: [] as number[] };
    const time = async (key: keyof typeof rate, items: Array<{ tubeCode: string; outcome: "NEGATIVE" | "POSITIVE" }>, expectRecorded: number) => {
      const t = performance.now();
      const answer = key.startsWith("old") ? await legacyRecordResults(prisma, site.agencyId, items) : await recordResults(prisma, site.agencyId, items, undefined, null, VIA_PRISMA ? undefined : db.sql);
      const s = (performance.now() - t) / 1000;
      if (answer.recorded !== expectRecorded) throw new Error(`${key}: recorded ${answer.recorded}, expected ${expectRecorded}`);
      rate[key].push(items.length / s);
      console.log(`${key.padEnd(6)} ${items.length} items in ${(s * 1000).toFixed(0)} ms: ${(items.length / s).toFixed(0)} items/s (recorded ${answer.recorded}, unchanged ${answer.unchanged}, refused ${answer.refused})`);
    };
    for (let u = 0; u < UPLOADS; u++) {
      for (const old of COMPARE ? [false, true] : [false]) await upload(u, old ? batches[UPLOADS + u]! : batches[u]!, old);
    }
    async function upload(u: number, codes: string[], old: boolean) {
      const k = (key: "fresh" | "retry" | "mixed") => (old ? (`old${key[0]!.toUpperCase()}${key.slice(1)}` as keyof typeof rate) : key);
      if (u % 2 === 0) {
        await time(k("fresh"), codes.map((tubeCode, i) => ({ tubeCode, outcome: i % 97 === 0 ? "POSITIVE" : "NEGATIVE" })), UPLOAD);
        await time(k("retry"), codes.map((tubeCode, i) => ({ tubeCode, outcome: i % 97 === 0 ? "POSITIVE" : "NEGATIVE" })), 0);
      } else {
        // 1% unknown codes: refused per item, the other 99% committed.
        const items = codes.map((tubeCode, i) => ({ tubeCode: i % 100 === 0 ? `T-MISSING-${u}-${i}` : tubeCode, outcome: "NEGATIVE" as const }));
        await time(k("mixed"), items, UPLOAD - UPLOAD / 100);
      }
    }
    const summary = Object.fromEntries(Object.entries(rate).filter(([, v]) => v.length > 0).map(([k, v]) => [k, { medianItemsPerSecond: Math.round(median(v)), runs: v.length }]));
    console.log(JSON.stringify({ bench: "ingest", via: VIA_PRISMA ? "prisma" : "pg", uploadItems: UPLOAD, uploads: UPLOADS, loadavg: (await import("node:os")).loadavg().map((x) => Number(x.toFixed(2))), ...summary }));
  } finally {
    await prisma.$disconnect();
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
