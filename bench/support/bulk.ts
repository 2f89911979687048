// Bulk results: 5,000-result uploads through the gateway (a lab's recordResults) against one
// INSERT … SELECT FROM unnest of 5,000 rows straight into the same table, each on fresh tubes
// created for it, in the same run; and how long health-code takes to apply the upload (its
// test_record rows: one per tube, since each tube holds one swab; results travel as ResultsRecorded
// events of up to 1,000 tubes, so counting processed events would not count results).
import { randomUUID } from "node:crypto";
import { Pool } from "pg";
import { signToken } from "../../kernel/auth/tokens";
import type { DemoCity } from "../../kernel/demo/city";
import { post } from "./load";
import { median } from "./stats";

const N = 5000;

interface BulkOptions {
  admin: Pool;
  testingDb: string;
  healthCodeDb: string;
  gatewayUrl: string;
  tokenSecret: Uint8Array;
  city: DemoCity;
  rounds: number;
  /** How long to wait for health-code's consumers to apply an upload's events before reporting null (default 20). */
  drainSeconds?: number;
}

/** Creates `n` tubes with one swab each in a new box of `siteId`; returns their codes. */
async function freshTubes(db: Pool, siteId: string, persons: string[], n: number): Promise<string[]> {
  const box = `B-BENCH-${randomUUID().slice(0, 8)}`.toUpperCase();
  await db.query(`INSERT INTO transport_box (id, code, site_id) VALUES ($1, $1, $2)`, [box, siteId]);
  const codes = Array.from({ length: n }, (_, i) => `${box}-${i}`.replace("B-BENCH", "T"));
  // Received by the lab (chain of custody): only received tubes take results.
  await db.query(`INSERT INTO sample_tube (id, code, box_id, capacity, status) SELECT c, c, $2, 1, 'RECEIVED' FROM unnest($1::text[]) c`, [codes, box]);
  await db.query(
    `INSERT INTO swab (id, tube_id, person_id, document_type, document_masked) SELECT gen_random_uuid()::text, c, p, 'CITIZEN_ID', '11**************1X' FROM unnest($1::text[], $2::text[]) AS x(c, p)`,
    [codes, codes.map((_, i) => persons[i % persons.length]!)],
  );
  return codes;
}

const processed = async (db: Pool) => Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM test_record`)).rows[0]!.n);

/** Runs the bulk comparison; returns rates (results/s) as median, min and max over rounds. */
export async function bulkUploads(o: BulkOptions): Promise<Record<string, unknown>> {
  const testing = new Pool({ connectionString: o.testingDb, max: 2 });
  const healthCode = new Pool({ connectionString: o.healthCodeDb, max: 1 });
  const site = o.city.sites[0]!;
  const lab = await signToken({ role: "LAB", subject: o.city.staffId, agencyId: site.agencyId }, o.tokenSecret, 3600);
  const persons = o.city.residents.map((r) => r.personId);
  const gateway: number[] = [];
  const direct: number[] = [];
  const drain: number[] = [];
  try {
    for (let round = 0; round < o.rounds; round++) {
      const viaGateway = await freshTubes(testing, site.id, persons, N);
      const straight = await freshTubes(testing, site.id, persons, N);
      const before = await processed(healthCode);
      let t = performance.now();
      const res = await post(o.gatewayUrl, { query: `mutation($i:[RecordResultInput!]!){ recordResults(inputs:$i){ recorded unchanged } }`, variables: { i: viaGateway.map((tubeCode) => ({ tubeCode, outcome: "NEGATIVE" })) } }, { authorization: `Bearer ${lab}` });
      const uploaded = performance.now();
      gateway.push(N / ((uploaded - t) / 1000));
      if (res.data.recordResults.recorded !== N) throw new Error(`bulk upload recorded ${res.data.recordResults.recorded} of ${N}`);
      // Drain: until health-code has recorded every result of the upload (drainSeconds at most, then null: not drained).
      const drainMs = (o.drainSeconds ?? 20) * 1000;
      while ((await processed(healthCode)) < before + N && performance.now() - uploaded < drainMs) await new Promise((r) => setTimeout(r, 50));
      drain.push((await processed(healthCode)) >= before + N ? (performance.now() - uploaded) / 1000 : Number.NaN);
      t = performance.now();
      await testing.query(
        `INSERT INTO test_result (id, tube_id, outcome, agency_id) SELECT gen_random_uuid()::text, c, 'NEGATIVE', $2 FROM unnest($1::text[]) c`,
        [straight, site.agencyId],
      );
      direct.push(N / ((performance.now() - t) / 1000));
    }
  } finally {
    await testing.end();
    await healthCode.end();
  }
  const s = (xs: number[]) => ({ median: Math.round(median(xs)), min: Math.round(Math.min(...xs)), max: Math.round(Math.max(...xs)) });
  const ratio = gateway.map((g, i) => g / direct[i]!);
  return { uploadSize: N, gatewayResultsPerS: s(gateway), directInsertRowsPerS: s(direct), ratioPerRound: ratio.map((r) => Math.round(r * 100) / 100), healthCodeDrainSeconds: drain.map((d) => Math.round(d * 100) / 100) };
}
