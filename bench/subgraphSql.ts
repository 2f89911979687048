// Before and after of the subgraph reads and of result ingestion, side by side in one process on
// throwaway PostgreSQL databases: the old strategy (Prisma's nested include, a window capped at
// 100 then register and venue reads, one INSERT per result) against the new one (personTests.ts,
// checkInLists.ts, results.ts). Interleaved rounds; prints median ms of wall time and of this
// process's CPU per operation, and one JSON line. Asserts nothing. npx tsx bench/subgraphSql.ts
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Pool } from "pg";
import { buildCity } from "../kernel/demo/city";
import { openSiloDatabase } from "../kernel/db/open";
import { PrismaClient as Testing } from "../subgraphs/testing/generated/prisma/client";
import { PrismaClient as Venues } from "../subgraphs/venues/generated/prisma/client";
import { seedTesting } from "../subgraphs/testing/seed";
import { seedVenues } from "../subgraphs/venues/seed";
import { venuesConfigFromEnv } from "../subgraphs/venues/config";
import { registerCodeKeys } from "../subgraphs/venues/qr/keys";
import { VerifiedCodeCache } from "../subgraphs/venues/qr/registerCode";
import { hintsFromEnv } from "../kernel/feed/hints";
import { loadPersonTests } from "../subgraphs/testing/personTests";
import { latestCheckIns } from "../subgraphs/venues/checkInLists";
import { recordResults } from "../subgraphs/testing/results";
import { median } from "./support/stats";

const ADMIN = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const ROUNDS = 5, OPS = 100;

async function measure(op: () => Promise<unknown>, n: number): Promise<{ wallMs: number; cpuMs: number }> {
  const c = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < n; i++) await op();
  const used = process.cpuUsage(c);
  return { wallMs: (performance.now() - t) / n, cpuMs: (used.user + used.system) / 1000 / n };
}

async function main() {
  const admin = new Pool({ connectionString: ADMIN, max: 1 });
  const tag = `benchsql_${process.pid}`;
  const urls: string[] = [];
  const dbUrl = async (silo: string) => {
    await admin.query(`CREATE DATABASE ${tag}_${silo}`);
    const u = new URL(ADMIN);
    u.pathname = `/${tag}_${silo}`;
    urls.push(u.pathname.slice(1));
    return u.toString();
  };
  try {
    const city = buildCity(randomBytes(32), 80);
    const tdb = await openSiloDatabase({ url: await dbUrl("testing"), migrationsDir: join(__dirname, "..", "subgraphs", "testing", "prisma", "migrations"), poolSize: 2 });
    const vdb = await openSiloDatabase({ url: await dbUrl("venues"), migrationsDir: join(__dirname, "..", "subgraphs", "venues", "prisma", "migrations"), poolSize: 2 });
    const testing = new Testing({ adapter: tdb.adapter });
    const venues = new Venues({ adapter: vdb.adapter });
    await seedTesting(testing, city);
    const pepper = randomBytes(32);
    const keys = registerCodeKeys(pepper);
    const hints = hintsFromEnv({});
    await seedVenues(venues, city, { pepper, config: venuesConfigFromEnv({}), keys, codes: new VerifiedCodeCache(keys), hints });
    await hints.close();
    const person = city.swabs[0]!.personId;
    const visitor = city.checkIns[0]!.personId;
    const ops: Record<string, () => Promise<unknown>> = {
      "latest test, old (include chain, 50 rows)": () => testing.swab.findMany({ where: { personId: { in: [person] } }, include: { tube: { include: { result: true, box: true } } }, orderBy: { swabbedAt: "desc" } }),
      "latest test, new (one LATERAL, 1 row)": () => loadPersonTests(tdb.sql, [person], 1),
      "checkIns(last:3)+venue, old (window 100, register, venue)": async () => {
        const rows = await venues.$queryRawUnsafe<Array<{ register_id: string }>>(
          `SELECT * FROM (SELECT c.*, row_number() OVER (PARTITION BY person_id ORDER BY checked_in_at DESC, id DESC) rn FROM check_in c WHERE person_id IN ($1)) l WHERE rn <= 100 ORDER BY checked_in_at DESC, id DESC`,
          visitor,
        );
        const regs = await venues.register.findMany({ where: { id: { in: rows.slice(0, 3).map((r) => r.register_id) } } });
        await venues.venue.findMany({ where: { id: { in: regs.map((r) => r.venueId) } } });
      },
      "checkIns(last:3)+venue, new (one LATERAL with joins)": () => latestCheckIns(vdb.sql, "person_id", [visitor], 3),
    };
    const results: Record<string, { wallMs: number[]; cpuMs: number[] }> = {};
    for (const op of Object.values(ops)) await measure(op, 20);
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, op] of Object.entries(ops)) {
        const m = await measure(op, OPS);
        (results[name] ??= { wallMs: [], cpuMs: [] }).wallMs.push(m.wallMs);
        results[name]!.cpuMs.push(m.cpuMs);
      }
    }
    // Ingestion: 2,000 results per upload on fresh tubes, the old per-row create loop against recordResults.
    const site = city.sites[0]!;
    const tubes = async (label: string, n: number) => {
      const box = `B-${label}`;
      await testing.transportBox.create({ data: { id: box, code: box, siteId: site.id } });
      const codes = Array.from({ length: n }, (_, i) => `T-${label}-${i}`);
      await testing.sampleTube.createMany({ data: codes.map((code) => ({ id: code, code, boxId: box, capacity: 1, status: "RECEIVED" as const })) });
      await testing.swab.createMany({ data: codes.map((code, i) => ({ tubeId: code, personId: city.residents[i % 80]!.personId, documentType: "CITIZEN_ID", documentMasked: "11**************1X" })) });
      return codes;
    };
    const ingest: Record<string, number[]> = { "old: create per result (rows/s)": [], "new: recordResults set-based (rows/s)": [] };
    for (let r = 0; r < 3; r++) {
      const a = await tubes(`OLD${r}`, 2000);
      let t = performance.now();
      await testing.$transaction(async (tx) => {
        for (const code of a) await tx.testResult.create({ data: { tubeId: code, outcome: "NEGATIVE", agencyId: site.agencyId } });
      }, { timeout: 120_000 });
      ingest["old: create per result (rows/s)"]!.push(2000 / ((performance.now() - t) / 1000));
      const b = await tubes(`NEW${r}`, 2000);
      t = performance.now();
      await recordResults(testing, site.agencyId, b.map((tubeCode) => ({ tubeCode, outcome: "NEGATIVE" })));
      ingest["new: recordResults set-based (rows/s)"]!.push(2000 / ((performance.now() - t) / 1000));
    }
    const med = (xs: number[]) => Math.round(median(xs) * 1000) / 1000;
    const out: Record<string, unknown> = {};
    for (const [name, m] of Object.entries(results)) {
      out[name] = { wallMs: med(m.wallMs), nodeCpuMs: med(m.cpuMs) };
      console.log(`${name}: wall ${med(m.wallMs)} ms, node CPU ${med(m.cpuMs)} ms per op`);
    }
    for (const [name, xs] of Object.entries(ingest)) {
      out[name] = { median: Math.round(med(xs)), all: xs.map(Math.round) };
      console.log(`${name}: ${Math.round(med(xs))} (${xs.map(Math.round).join(", ")})`);
    }
    console.log("(the old ingestion loop leaves out the outbox rows that recordResults also writes)");
    console.log(JSON.stringify(out));
    await testing.$disconnect();
    await venues.$disconnect();
    await tdb.close();
    await vdb.close();
  } finally {
    for (const name of urls) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
