// Result uploads, pooled positives and traceback through the real graph: each item of an upload
// answered on its own (good items commit, a retry changes nothing, a different result is a
// CONFLICT), the gateway's item limit refusing an oversized upload before planning, a positive
// 5-in-1 tube raising POOLED_POSITIVE on everyone in it, the CDC's traceback from a positive
// tube to its box, site, sampler and people (full only with a case, audited), and a person's
// negative-test validity, right the moment a result is recorded.
import { randomBytes } from "node:crypto";
import type { Viewer } from "../../kernel/auth/viewer";
import { DEMO_CASE } from "../../kernel/privacy/cases";
import { DEFAULT_LIMITS } from "../../gateway/limits";
import { MODES } from "../support/services";
import { startTestGraph, type TestGraph } from "../support/graph";
import { bindStaffEverywhere } from "../support/staff";
import { deliverBox, openSamplingSession } from "../support/sampling";
import { waitFor } from "../events/helpers/wait";
import { quietResidents, refused, residentOf } from "../health-code/helpers";
import type { DemoResident } from "../../kernel/demo/city";

const MAX_ITEMS = 50;
const UPLOAD = `mutation Upload($i: [RecordResultInput!]!) { recordResults(inputs: $i) { recorded unchanged refused items(refusedOnly: true) { index tubeCode status reason message } } }`;
const ME = `query Me { me { healthCode { colour causes { kind } } negativeTest { latestNegativeAt ageHours windowHours valid } wide: negativeTest(windowHours: 72) { windowHours valid } } }`;
const TRACE = `query Trace($day: String!, $district: String) {
  positiveTubes(day: $day, district: $district) {
    code capacity status
    box { code site { name district community address } }
    result { outcome recordedAt }
    swabs { samplerId swabbedAt person { id name phone address householdAddress } }
  }
}`;

describe.each(MODES)("result uploads, pooled positives and traceback (%s)", (mode) => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph(mode, 60, { gateway: { limits: { ...DEFAULT_LIMITS, maxInputListItems: MAX_ITEMS } } });
    await bindStaffEverywhere(graph, [sampler().subject!, lab().subject!]);
    await openSamplingSession(graph, sampler());
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const site = () => graph.city.sites[0]!;
  const sampler = (): Viewer => ({ role: "SAMPLER", subject: graph.city.residents[0]!.personId, siteId: site().id });
  const lab = (): Viewer => ({ role: "LAB", subject: graph.city.residents[1]!.personId, agencyId: site().agencyId });
  const fresh = (prefix: string) => `${prefix}-${randomBytes(3).toString("hex").toUpperCase()}`;
  const results = async () => (await graph.databases.testing.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM test_result`))[0]!.n;

  /** Scans a box of tubes (one person list per tube), registers the people, and optionally delivers the box. */
  async function fill(tubes: DemoResident[][], opts: { poolSize: number; deliver: boolean }): Promise<{ box: string; codes: string[] }> {
    const box = fresh("B-RES");
    const codes: string[] = [];
    for (const people of tubes) {
      const tubeCode = fresh("T-RES");
      codes.push(tubeCode);
      const scan = await graph.query(`mutation S($i: ScanTubeInput!) { scanTube(input: $i) { id } }`, { i: { boxCode: box, tubeCode, poolSize: opts.poolSize } }, sampler());
      expect(scan.body.errors).toBeUndefined();
      for (const p of people) {
        const reg = await graph.query(`mutation R($i: RegisterSampleInput!) { registerSample(input: $i) { id } }`, { i: { tubeCode, documentNumber: p.idNumber, phone: p.phone } }, sampler());
        expect(reg.body.errors).toBeUndefined();
      }
    }
    if (opts.deliver) await deliverBox(graph, sampler(), lab(), box);
    return { box, codes };
  }

  test("each item answered on its own: good ones commit, bad ones are refused with a reason, a retry changes nothing", async () => {
    const people = quietResidents(graph).slice(0, 4);
    const received = await fill(people.slice(0, 3).map((p) => [p]), { poolSize: 1, deliver: true });
    const atSite = await fill([[people[3]!]], { poolSize: 1, deliver: false });
    const foreignSite = graph.city.sites.find((s) => s.agencyId !== site().agencyId)!;
    const foreignTube = graph.city.tubes.find((t) => t.siteId === foreignSite.id)!.code;
    const [a, b, c] = received.codes as [string, string, string];
    const upload = [
      { tubeCode: a, outcome: "NEGATIVE" },
      { tubeCode: "T-NOWHERE", outcome: "NEGATIVE" },
      { tubeCode: b.toLowerCase(), outcome: "NEGATIVE" },
      { tubeCode: foreignTube, outcome: "NEGATIVE" },
      { tubeCode: atSite.codes[0], outcome: "NEGATIVE" },
      { tubeCode: "no spaces!", outcome: "NEGATIVE" },
    ];
    const before = await results();
    const first = await graph.query(UPLOAD, { i: upload }, lab());
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.recordResults).toMatchObject({ recorded: 2, unchanged: 0, refused: 4 });
    expect(first.body.data.recordResults.items.map((i: { index: number; status: string; reason: string }) => [i.index, i.status, i.reason])).toEqual([
      [1, "NOT_FOUND", "UNKNOWN_TUBE"],
      [3, "FORBIDDEN", "OTHER_AGENCY"],
      [4, "CONFLICT", "NOT_RECEIVED"],
      [5, "INVALID", "MALFORMED_CODE"],
    ]);
    expect(await results()).toBe(before + 2);
    // The same upload again: nothing new; a different outcome for a resulted tube is a CONFLICT, never written.
    const retry = await graph.query(UPLOAD, { i: upload }, lab());
    expect(retry.body.data.recordResults).toMatchObject({ recorded: 0, unchanged: 2, refused: 4 });
    const changed = await graph.query(UPLOAD, { i: [{ tubeCode: a, outcome: "POSITIVE" }, { tubeCode: c, outcome: "NEGATIVE" }] }, lab());
    expect(changed.body.data.recordResults).toMatchObject({ recorded: 1, refused: 1, items: [{ index: 0, status: "CONFLICT", reason: "DIFFERENT_RESULT" }] });
    expect(await results()).toBe(before + 3);
    const tube = await graph.query(`query T($c: String!) { tube(code: $c) { status result { outcome } custody { step actorRole } } }`, { c: a }, lab());
    expect(tube.body.data.tube).toMatchObject({ status: "RESULTED", result: { outcome: "NEGATIVE" } });
    expect(tube.body.data.tube.custody.at(-1)).toEqual({ step: "RESULTED", actorRole: "LAB" });
    // RESULTED comes from the result (the tube's row is not updated): a resulted tube can be neither tested nor rejected.
    refused(await graph.query(`mutation { startTesting(tubeCode: "${a}") { status } }`, {}, lab()), "CONFLICT", "TUBE_RESULTED");
    refused(await graph.query(`mutation { rejectTube(tubeCode: "${a}", reason: LEAKED) { status } }`, {}, lab()), "CONFLICT", "TUBE_RESULTED");
    // The single-result mutation throws the item's refusal as its code.
    refused(await graph.query(`mutation { recordResult(input: { tubeCode: "${atSite.codes[0]}", outcome: NEGATIVE }) { id } }`, {}, lab()), "CONFLICT", "NOT_RECEIVED");
  });

  test("an upload over the gateway's item limit, or malformed, is refused whole before planning; nothing is written", async () => {
    const before = await results();
    const over = await graph.query(UPLOAD, { i: Array.from({ length: MAX_ITEMS + 1 }, (_, k) => ({ tubeCode: `T-OVER-${k}`, outcome: "NEGATIVE" })) }, lab());
    expect(over.status).toBe(400);
    expect(over.body.errors?.[0]?.extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", limit: "inputListItems", max: MAX_ITEMS });
    const atLimit = await graph.query(UPLOAD, { i: Array.from({ length: MAX_ITEMS }, (_, k) => ({ tubeCode: `T-EDGE-${k}`, outcome: "NEGATIVE" })) }, lab());
    expect(atLimit.body.data.recordResults).toMatchObject({ recorded: 0, refused: MAX_ITEMS });
    const malformed = await graph.query(UPLOAD, { i: [{ tubeCode: "T-X", outcome: "MAYBE" }] }, lab());
    expect(malformed.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await results()).toBe(before);
  });

  test("a positive 5-in-1 tube puts everyone in it on POOLED_POSITIVE; the CDC traces it back, in full only with a case", async () => {
    const [p, q] = quietResidents(graph).slice(4, 6) as [DemoResident, DemoResident];
    const { box, codes } = await fill([[p, q]], { poolSize: 5, deliver: true });
    const up = await graph.query(UPLOAD, { i: [{ tubeCode: codes[0], outcome: "POSITIVE" }] }, lab());
    expect(up.body.data.recordResults.recorded).toBe(1);
    const me = async (r: DemoResident) => (await graph.query(ME, {}, residentOf(r))).body.data.me;
    await waitFor("pooled-positive pop-ups for both people", async () => (await me(p)).healthCode.colour === "POPUP" && (await me(q)).healthCode.colour === "POPUP");
    expect((await me(p)).healthCode.causes.map((c: { kind: string }) => c.kind)).toEqual(["POOLED_POSITIVE"]);

    const day = new Date().toISOString().slice(0, 10);
    const epi: Viewer = { role: "EPIDEMIOLOGIST", subject: graph.city.residents[2]!.personId, purpose: DEMO_CASE };
    const traced = await graph.query(TRACE, { day, district: site().district }, epi);
    expect(traced.body.errors).toBeUndefined();
    const tube = traced.body.data.positiveTubes.find((t: { code: string }) => t.code === codes[0]);
    expect(tube).toMatchObject({ capacity: 5, status: "RESULTED", box: { code: box, site: { community: site().community, address: site().address } }, result: { outcome: "POSITIVE" } });
    expect(tube.swabs.map((s: { person: { name: string } }) => s.person.name).sort()).toEqual([p.name, q.name].sort());
    expect(tube.swabs[0].samplerId).toBe(sampler().subject);
    expect(tube.swabs.every((s: { person: { address: string | null } }) => typeof s.person.address === "string")).toBe(true);
    const audit = await graph.databases["health-code"].sql.query<{ purpose: string }>(`SELECT purpose FROM disclosure_audit WHERE person_id = $1`, [p.personId]);
    expect(audit.map((a) => a.purpose)).toContain(DEMO_CASE);
    // Another district's list does not carry it; an auditor sees pseudonyms; an epidemiologist without a case no names.
    const other = graph.city.sites.find((s) => s.district !== site().district)!.district;
    expect((await graph.query(TRACE, { day, district: other }, epi)).body.data.positiveTubes.map((t: { code: string }) => t.code)).not.toContain(codes[0]);
    for (const viewer of [{ role: "AUDITOR", subject: graph.city.residents[3]!.personId } as Viewer, { ...epi, purpose: undefined }]) {
      const res = await graph.query(TRACE, { day }, viewer);
      expect(JSON.stringify(res.body)).not.toContain(p.name);
      expect(JSON.stringify(res.body)).not.toContain(p.phone);
    }
    refused(await graph.query(TRACE, { day: "yesterday" }, epi), "BAD_USER_INPUT");
    refused(await graph.query(TRACE, { day }, lab()), "FORBIDDEN");

    // A negative single-tube retest clears the pooled positive (health-code's rule).
    const retest = await fill([[p]], { poolSize: 1, deliver: true });
    await graph.query(UPLOAD, { i: [{ tubeCode: retest.codes[0], outcome: "NEGATIVE" }] }, lab());
    await waitFor("the single-tube retest to clear the pop-up", async () => (await me(p)).healthCode.colour === "GREEN");
    expect((await me(q)).healthCode.colour).toBe("POPUP");
  });

  test("orphans: a result for a misread tube code is kept, with ranked candidate tubes, and the agency's lab moves it onto the right one", async () => {
    const p = quietResidents(graph)[8]!;
    const box = fresh("B-ORPH");
    const real = `${fresh("T-ORPH")}-AB`;
    const misread = real.slice(0, -2) + "BA";
    await graph.query(`mutation S($i: ScanTubeInput!) { scanTube(input: $i) { id } }`, { i: { boxCode: box, tubeCode: real, poolSize: 1 } }, sampler());
    expect((await graph.query(`mutation R($i: RegisterSampleInput!) { registerSample(input: $i) { id } }`, { i: { tubeCode: real, documentNumber: p.idNumber, phone: p.phone } }, sampler())).body.errors).toBeUndefined();
    await deliverBox(graph, sampler(), lab(), box);
    const up = await graph.query(UPLOAD, { i: [{ tubeCode: misread, outcome: "NEGATIVE" }] }, lab());
    expect(up.body.data.recordResults.items).toMatchObject([{ status: "NOT_FOUND", reason: "UNKNOWN_TUBE" }]);
    // The retry keeps one orphan, not two.
    await graph.query(UPLOAD, { i: [{ tubeCode: misread, outcome: "NEGATIVE" }] }, lab());
    const QUEUE = `query Q { orphanResults(first: 200) { id tubeCode outcome candidates { rank edit tube { code } } } }`;
    const queue = await graph.query(QUEUE, {}, lab());
    expect(queue.body.errors).toBeUndefined();
    const mine = queue.body.data.orphanResults.filter((o: { tubeCode: string }) => o.tubeCode === misread);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ outcome: "NEGATIVE", candidates: [{ rank: 1, edit: "TRANSPOSITION", tube: { code: real } }] });
    // Another agency's lab does not see it; a sampler may not read the queue.
    const otherLab: Viewer = { ...lab(), agencyId: graph.city.agencies.find((a) => a.id !== site().agencyId)!.id };
    expect((await graph.query(QUEUE, {}, otherLab)).body.data.orphanResults.map((o: { tubeCode: string }) => o.tubeCode)).not.toContain(misread);
    refused(await graph.query(QUEUE, {}, sampler()), "FORBIDDEN");
    const RESOLVE = `mutation M($id: ID!, $t: String!) { resolveOrphanResult(id: $id, tubeCode: $t) { outcome tube { code status custody { step detail actorRole } } } }`;
    const before = await results();
    refused(await graph.query(RESOLVE, { id: mine[0].id, t: "T-NOT-NEAR" }, lab()), "BAD_USER_INPUT", "NOT_A_CANDIDATE");
    refused(await graph.query(RESOLVE, { id: mine[0].id, t: real }, otherLab), "NOT_FOUND", "UNKNOWN_ORPHAN");
    expect(await results()).toBe(before);
    const moved = await graph.query(RESOLVE, { id: mine[0].id, t: real }, lab());
    expect(moved.body.errors).toBeUndefined();
    expect(moved.body.data.resolveOrphanResult).toMatchObject({ outcome: "NEGATIVE", tube: { code: real, status: "RESULTED" } });
    expect(moved.body.data.resolveOrphanResult.tube.custody.slice(-2)).toEqual([{ step: "ORPHAN_MATCHED", detail: misread, actorRole: "LAB" }, { step: "RESULTED", detail: "NEGATIVE", actorRole: "LAB" }]);
    expect(await results()).toBe(before + 1);
    refused(await graph.query(RESOLVE, { id: mine[0].id, t: real }, lab()), "CONFLICT", "ORPHAN_RESOLVED");
    // The person's record shows the result at once.
    expect((await graph.query(ME, {}, residentOf(p))).body.data.me.negativeTest.valid).toBe(true);
    expect((await graph.query(QUEUE, {}, lab())).body.data.orphanResults.map((o: { tubeCode: string }) => o.tubeCode)).not.toContain(misread);
  });

  test("a screening campaign: coverage per community from health-code's counts, for officers (their community) and oversight", async () => {
    const p = quietResidents(graph)[9]!;
    const epi: Viewer = { role: "EPIDEMIOLOGIST", subject: graph.city.residents[2]!.personId, purpose: DEMO_CASE };
    const START = `mutation C($i: CampaignInput!) { startCampaign(input: $i) { id district } }`;
    const window = { startsAt: new Date(Date.now() - 3600_000).toISOString(), endsAt: new Date(Date.now() + 86_400_000).toISOString() };
    refused(await graph.query(START, { i: { name: "全员筛查", district: p.district, startsAt: window.endsAt, endsAt: window.startsAt } }, epi), "BAD_USER_INPUT");
    refused(await graph.query(START, { i: { name: "全员筛查", district: p.district, ...window } }, lab()), "FORBIDDEN");
    const started = await graph.query(START, { i: { name: "全员筛查", district: p.district, ...window } }, epi);
    expect(started.body.errors).toBeUndefined();
    const id = started.body.data.startCampaign.id;
    const COVERAGE = `query Cov { campaigns { id coverage { community residents tested share } } }`;
    const rowOf = async (viewer: Viewer) => {
      const res = await graph.query(COVERAGE, {}, viewer);
      expect(res.body.errors).toBeUndefined();
      return res.body.data.campaigns.find((c: { id: string }) => c.id === id).coverage as Array<{ community: string; residents: number; tested: number; share: number }>;
    };
    const before = (await rowOf(epi)).find((r) => r.community === p.community)!;
    expect(before.residents).toBe(graph.city.residents.filter((r) => r.district === p.district && r.community === p.community).length);
    const { codes } = await fill([[p]], { poolSize: 1, deliver: true });
    await graph.query(UPLOAD, { i: [{ tubeCode: codes[0], outcome: "NEGATIVE" }] }, lab());
    await waitFor("the campaign's coverage to count the new test", async () => (await rowOf(epi)).find((r) => r.community === p.community)!.tested === before.tested + 1);
    const officer: Viewer = { role: "COMMUNITY_OFFICER", subject: graph.city.residents[3]!.personId, community: p.community };
    expect((await rowOf(officer)).map((r) => r.community)).toEqual([p.community]);
    const auditor: Viewer = { role: "AUDITOR", subject: graph.city.residents[3]!.personId };
    const audited = await graph.query(COVERAGE, {}, auditor);
    expect(audited.body.data.campaigns.find((c: { id: string }) => c.id === id).coverage.find((r: { community: string }) => r.community === p.community).tested).toBe(before.tested + 1);
    expect(JSON.stringify(audited.body)).not.toContain(p.name);
    refused(await graph.query(COVERAGE, {}, residentOf(p)), "FORBIDDEN");
  });

  test("the latest negative's age and validity under the window, right the moment it is recorded", async () => {
    const [p, never] = quietResidents(graph).slice(6, 8) as [DemoResident, DemoResident];
    const me = async (r: DemoResident) => (await graph.query(ME, {}, residentOf(r))).body.data.me;
    expect((await me(never)).negativeTest).toEqual({ latestNegativeAt: null, ageHours: null, windowHours: 48, valid: false });
    const { codes } = await fill([[p]], { poolSize: 1, deliver: true });
    await graph.query(UPLOAD, { i: [{ tubeCode: codes[0], outcome: "NEGATIVE" }] }, lab());
    const now = await me(p);
    expect(now.negativeTest).toMatchObject({ ageHours: 0, windowHours: 48, valid: true });
    expect(now.wide).toEqual({ windowHours: 72, valid: true });
    // Seed 000: "核酸已经4天": four days later it is no longer valid under either window.
    await graph.databases.testing.sql.query(`UPDATE test_result SET recorded_at = recorded_at - interval '96 hours' WHERE tube_id = (SELECT id FROM sample_tube WHERE code = $1)`, [codes[0]]);
    const later = await me(p);
    expect(later.negativeTest).toMatchObject({ ageHours: 96, valid: false });
    expect(later.wide.valid).toBe(false);
    refused(await graph.query(`query { me { negativeTest(windowHours: 0) { valid } } }`, {}, residentOf(p)), "BAD_USER_INPUT");
  });
});
