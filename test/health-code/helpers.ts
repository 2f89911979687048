// Helpers for the health-code tests: people the demo city leaves alone, viewers, and a test swab
// taken through the testing silo's own mutations (scan, register, record) so results reach
// health-code by the real ResultRecorded event.
import { randomBytes } from "node:crypto";
import { DEMO_CASE } from "../../kernel/privacy/cases";
import type { Viewer } from "../../kernel/auth/viewer";
import type { DemoResident } from "../../kernel/demo/city";
import type { TestGraph } from "../support/graph";
import { deliverBox, openSamplingSession } from "../support/sampling";

/** Residents with no cause, no register, no binding and no test in the demo city: nothing else touches them. */
export function quietResidents(graph: TestGraph): DemoResident[] {
  const busy = new Set([
    ...graph.city.swabs.map((s) => s.personId),
    ...graph.city.causes.map((c) => c.personId),
    ...graph.city.registers.map((r) => r.registrarId),
    ...graph.city.bindings.flatMap((b) => [b.guardianId, b.wardId]),
    ...graph.city.residents.slice(0, 6).map((r) => r.personId),
  ]);
  return graph.city.residents.filter((r) => !busy.has(r.personId));
}

export const residentOf = (p: DemoResident): Viewer => ({ role: "RESIDENT", subject: p.personId });
export const cdc = (graph: TestGraph): Viewer => ({ role: "EPIDEMIOLOGIST", subject: graph.city.residents[2]!.personId, purpose: DEMO_CASE });
export const officerOf = (graph: TestGraph, community: string): Viewer => ({ role: "COMMUNITY_OFFICER", subject: graph.city.residents[3]!.personId, community });

/** Asserts a response failed with one error of `code` (and `reason`, when given); returns it. */
export function refused(res: { body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, any> }> } }, code: string, reason?: string) {
  const errors = res.body.errors ?? [];
  if (errors.length !== 1 || errors[0]!.extensions?.code !== code || (reason !== undefined && errors[0]!.extensions?.reason !== reason)) {
    throw new Error(`expected one ${code}${reason ? `/${reason}` : ""} error, got ${JSON.stringify(res.body)}`);
  }
  return errors[0]!;
}

/**
 * Swabs `persons` into a new tube at the first site (pooled or single), dates the swab
 * `swabbedAt` (the testing silo's own row, as if taken then), and records `outcome`.
 */
export async function swab(graph: TestGraph, persons: DemoResident[], opts: { pooled: boolean; outcome: "NEGATIVE" | "POSITIVE"; swabbedAt: Date }): Promise<string> {
  const site = graph.city.sites[0]!;
  // The demo city's staff member, bound everywhere by the seed (bindings are enforced).
  const sampler: Viewer = { role: "SAMPLER", subject: graph.city.staffId, siteId: site.id };
  const lab: Viewer = { role: "LAB", subject: graph.city.staffId, agencyId: site.agencyId };
  const tubeCode = `T-HC-${randomBytes(4).toString("hex").toUpperCase()}`;
  // A box per tube: a box takes no tubes once sealed and delivered to the lab.
  const boxCode = `B-HC-${randomBytes(4).toString("hex").toUpperCase()}`;
  const scan = await graph.query(`mutation($i: ScanTubeInput!) { scanTube(input: $i) { id } }`, { i: { boxCode, tubeCode, pooled: opts.pooled } }, sampler);
  if (scan.body.errors) throw new Error(JSON.stringify(scan.body.errors));
  await openSamplingSession(graph, sampler);
  for (const p of persons) {
    const reg = await graph.query(`mutation($i: RegisterSampleInput!) { registerSample(input: $i) { id } }`, { i: { tubeCode, documentNumber: p.idNumber, phone: p.phone } }, sampler);
    if (reg.body.errors) throw new Error(JSON.stringify(reg.body.errors));
  }
  await graph.databases.testing.sql.query(`UPDATE swab SET swabbed_at = $1::timestamp WHERE tube_id = (SELECT id FROM sample_tube WHERE code = $2)`, [opts.swabbedAt.toISOString(), tubeCode]);
  await deliverBox(graph, sampler, lab, boxCode);
  const rec = await graph.query(`mutation($i: RecordResultInput!) { recordResult(input: $i) { outcome } }`, { i: { tubeCode, outcome: opts.outcome } }, lab);
  if (rec.body.errors) throw new Error(JSON.stringify(rec.body.errors));
  return tubeCode;
}

/** Health-code's count of test records for a tube (the event has been applied when it is > 0). */
export async function recordsOf(graph: TestGraph, tubeCode: string): Promise<number> {
  const [tube] = await graph.databases.testing.sql.query<{ id: string }>(`SELECT id FROM sample_tube WHERE code = $1`, [tubeCode]);
  const [row] = await graph.databases["health-code"].sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM test_record WHERE tube_id = $1`, [tube!.id]);
  return row!.n;
}
