// Seed 001's closed loop through the real graph: a sampler opens a session, scans a box and
// tubes (pool size 1, 5 or 10), registers people by testing code (verified offline, used once)
// or by ID card (phone required), seals the box and hands it to a courier; the agency's lab
// receives it, tests and rejects tubes. Every step's who and when is queryable per tube and box,
// and each refusal has its own code and writes nothing. Staff bindings are enforced here: a
// sampler's or lab's token opens nothing without a binding row in the silo's own table.
import { randomBytes } from "node:crypto";
import { generateKeyPair } from "jose";
import type { Viewer } from "../../kernel/auth/viewer";
import { loadTestingCodeKeys, signTestingCode } from "../../kernel/testingCode";
import { maskIdNumber, maskName } from "../../kernel/identity";
import { MODES } from "../support/services";
import { startTestGraph, type TestGraph } from "../support/graph";
import { openSamplingSession } from "../support/sampling";
import { quietResidents, refused, residentOf } from "../health-code/helpers";

const SCAN = `mutation Scan($i: ScanTubeInput!) { scanTube(input: $i) { code capacity status } }`;
const BY_CODE = `mutation ByCode($i: RegisterByCodeInput!) { registerByTestingCode(input: $i) { id repeat method documentType documentMasked person { id name } } }`;
const BY_ID = `mutation ById($i: RegisterSampleInput!) { registerSample(input: $i) { id repeat method documentMasked phone person { name documentNumber } } }`;
const ISSUE = `mutation Issue { issueTestingCode { payload } }`;

const CUSTODY = `query Box($b: String!) { box(code: $b) { status custody { step actorRole actorId detail at tube { code } } tubes { code status custody { step } } } }`;

describe.each(MODES)("the closed loop and chain of custody (%s)", (mode) => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph(mode);
    // The sampler works at sites 0 and 1, the lab member for every agency; nobody else is bound.
    const bind = (personId: string, role: string, siteId: string | null, agencyId: string | null) =>
      graph.databases.testing.sql.query(`INSERT INTO staff_binding (id, person_id, role, site_id, agency_id) VALUES (gen_random_uuid(), $1, $2, $3, $4)`, [personId, role, siteId, agencyId]);
    for (const s of graph.city.sites.slice(0, 2)) await bind(sampler().subject!, "SAMPLER", s.id, null);
    for (const a of graph.city.agencies) await bind(lab().subject!, "LAB", null, a.id);
    await openSamplingSession(graph, sampler());
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const site = () => graph.city.sites[0]!;
  const sampler = (): Viewer => ({ role: "SAMPLER", subject: graph.city.residents[0]!.personId, siteId: site().id });
  const lab = (): Viewer => ({ role: "LAB", subject: graph.city.residents[1]!.personId, agencyId: site().agencyId });
  const otherLab = (): Viewer => ({ role: "LAB", subject: graph.city.residents[1]!.personId, agencyId: graph.city.agencies.find((a) => a.id !== site().agencyId)!.id });
  const fresh = (prefix: string) => `${prefix}-${randomBytes(3).toString("hex").toUpperCase()}`;
  const count = async (table: string) => (await graph.databases.testing.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
  const codeFor = async (p: { personId: string }) => {
    const res = await graph.query(ISSUE, {}, residentOf(p as never));
    expect(res.body.errors).toBeUndefined();
    return res.body.data.issueTestingCode.payload as string;
  };

  test("a testing code registers its person with the masked identity; the same scan again is a repeat; the code is spent", async () => {
    const box = fresh("B-LOOP");
    const [tube, other] = [fresh("T-LOOP"), fresh("T-LOOP")];
    expect((await graph.query(SCAN, { i: { boxCode: box, tubeCode: tube, poolSize: 5 } }, sampler())).body.data.scanTube).toEqual({ code: tube, capacity: 5, status: "COLLECTED" });
    expect((await graph.query(SCAN, { i: { boxCode: box, tubeCode: other, poolSize: 10 } }, sampler())).body.data.scanTube.capacity).toBe(10);
    const p = quietResidents(graph)[0]!;
    const code = await codeFor(p);
    const first = await graph.query(BY_CODE, { i: { tubeCode: tube, testingCode: code } }, sampler());
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.registerByTestingCode).toMatchObject({ repeat: false, method: "TESTING_CODE", documentType: null, documentMasked: null, person: { id: p.personId, name: maskName(p.name) } });
    expect(JSON.stringify(first.body)).not.toContain(p.idNumber);
    const again = await graph.query(BY_CODE, { i: { tubeCode: tube, testingCode: code } }, sampler());
    expect(again.body.data.registerByTestingCode).toMatchObject({ id: first.body.data.registerByTestingCode.id, repeat: true });
    // The same code into another tube: a replay, nothing written.
    const swabs = await count("swab");
    refused(await graph.query(BY_CODE, { i: { tubeCode: other, testingCode: code } }, sampler()), "BAD_USER_INPUT", "TESTING_CODE_REPLAYED");
    expect(await count("swab")).toBe(swabs);
  });

  test("forged, expired and malformed codes are refused with their reasons and write nothing", async () => {
    const tube = fresh("T-CODE");
    await graph.query(SCAN, { i: { boxCode: fresh("B-CODE"), tubeCode: tube, poolSize: 10 } }, sampler());
    const p = quietResidents(graph)[1]!;
    const keys = await loadTestingCodeKeys(process.env, "/nonexistent");
    const expired = await signTestingCode(p.personId, keys, { now: new Date(Date.now() - 3600_000) });
    const forged = await signTestingCode(p.personId, { privateKey: (await generateKeyPair("ES256")).privateKey });
    const before = { swabs: await count("swab"), uses: await count("testing_code_use") };
    refused(await graph.query(BY_CODE, { i: { tubeCode: tube, testingCode: expired.payload } }, sampler()), "BAD_USER_INPUT", "TESTING_CODE_EXPIRED");
    refused(await graph.query(BY_CODE, { i: { tubeCode: tube, testingCode: forged.payload } }, sampler()), "BAD_USER_INPUT", "TESTING_CODE_FORGED");
    refused(await graph.query(BY_CODE, { i: { tubeCode: tube, testingCode: "not a code" } }, sampler()), "BAD_USER_INPUT", "TESTING_CODE_MALFORMED");
    expect({ swabs: await count("swab"), uses: await count("testing_code_use") }).toEqual(before);
  });

  test("an ID-card registration needs a phone; a full tube refuses the next person; a pop-up resident is never refused", async () => {
    const tube = fresh("T-ONE");
    await graph.query(SCAN, { i: { boxCode: fresh("B-ONE"), tubeCode: tube, poolSize: 1 } }, sampler());
    const popup = graph.city.residents.find((r) => graph.city.causes.some((c) => c.personId === r.personId && c.kind.startsWith("POPUP")))!;
    const before = await count("swab");
    refused(await graph.query(BY_ID, { i: { tubeCode: tube, documentNumber: popup.idNumber } }, sampler()), "BAD_USER_INPUT", "PHONE_REQUIRED");
    expect(await count("swab")).toBe(before);
    // Seed 004: registration never depends on the status colour.
    const ok = await graph.query(BY_ID, { i: { tubeCode: tube, documentNumber: popup.idNumber, phone: popup.phone } }, sampler());
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.registerSample).toMatchObject({ repeat: false, method: "DOCUMENT", documentMasked: maskIdNumber(popup.idNumber), person: { documentNumber: maskIdNumber(popup.idNumber) } });
    const next = quietResidents(graph)[2]!;
    refused(await graph.query(BY_ID, { i: { tubeCode: tube, documentNumber: next.idNumber, phone: next.phone } }, sampler()), "CONFLICT", "TUBE_FULL");
    refused(await graph.query(SCAN, { i: { boxCode: fresh("B-ONE"), tubeCode: fresh("T-ONE"), poolSize: 3 } }, sampler()), "BAD_USER_INPUT");
    expect(await count("swab")).toBe(before + 1);
  });

  test("seal, courier, receive: each step once, in order, by the right people, queryable per box and tube", async () => {
    const box = fresh("B-TRIP");
    const [t1, t2] = [fresh("T-TRIP"), fresh("T-TRIP")];
    for (const t of [t1, t2]) await graph.query(SCAN, { i: { boxCode: box, tubeCode: t, poolSize: 10 } }, sampler());
    const p = quietResidents(graph)[3]!;
    await graph.query(BY_ID, { i: { tubeCode: t1, documentNumber: p.idNumber, phone: p.phone } }, sampler());
    // Out of order: the lab cannot receive a box still open at the site.
    refused(await graph.query(`mutation { receiveBox(boxCode: "${box}") { status } }`, {}, lab()), "CONFLICT", "BOX_OPEN");
    refused(await graph.query(`mutation { sealBox(boxCode: "B-NO-SUCH-BOX") { status } }`, {}, sampler()), "NOT_FOUND", "UNKNOWN_BOX");
    const elsewhere: Viewer = { ...sampler(), siteId: graph.city.sites[1]!.id };
    refused(await graph.query(`mutation { sealBox(boxCode: "${box}") { status } }`, {}, elsewhere), "FORBIDDEN", "OTHER_SITE");
    expect((await graph.query(`mutation { sealBox(boxCode: "${box}") { status } }`, {}, sampler())).body.data.sealBox.status).toBe("SEALED");
    expect((await graph.query(`mutation { sealBox(boxCode: "${box}") { status } }`, {}, sampler())).body.data.sealBox.status).toBe("SEALED");
    // A sealed box is never reopened: no new tube, no new person.
    const tubes = await count("sample_tube");
    refused(await graph.query(SCAN, { i: { boxCode: box, tubeCode: fresh("T-TRIP"), poolSize: 10 } }, sampler()), "CONFLICT", "BOX_SEALED");
    const q = quietResidents(graph)[4]!;
    refused(await graph.query(BY_ID, { i: { tubeCode: t1, documentNumber: q.idNumber, phone: q.phone } }, sampler()), "CONFLICT", "BOX_SEALED");
    expect(await count("sample_tube")).toBe(tubes);
    refused(await graph.query(`mutation { handBoxToCourier(boxCode: "${box}", courierBadge: "bad badge!") { status } }`, {}, sampler()), "BAD_USER_INPUT");
    expect((await graph.query(`mutation { handBoxToCourier(boxCode: "${box}", courierBadge: "c-77") { status } }`, {}, sampler())).body.data.handBoxToCourier.status).toBe("IN_TRANSIT");
    refused(await graph.query(`mutation { receiveBox(boxCode: "${box}") { status } }`, {}, otherLab()), "FORBIDDEN", "OTHER_AGENCY");
    expect((await graph.query(`mutation { receiveBox(boxCode: "${box}") { status } }`, {}, lab())).body.data.receiveBox.status).toBe("RECEIVED");
    expect((await graph.query(`mutation { startTesting(tubeCode: "${t1}") { status } }`, {}, lab())).body.data.startTesting.status).toBe("TESTING");
    expect((await graph.query(`mutation { rejectTube(tubeCode: "${t2}", reason: LEAKED) { status } }`, {}, lab())).body.data.rejectTube.status).toBe("REJECTED");
    refused(await graph.query(`mutation { startTesting(tubeCode: "${t2}") { status } }`, {}, lab()), "CONFLICT", "TUBE_REJECTED");

    const read = await graph.query(CUSTODY, { b: box }, lab());
    expect(read.body.errors).toBeUndefined();
    const b = read.body.data.box;
    expect(b.status).toBe("RECEIVED");
    expect(b.custody.map((s: { step: string }) => s.step)).toEqual(["BOX_SCANNED", "TUBE_SCANNED", "TUBE_SCANNED", "SEALED", "HANDED_TO_COURIER", "RECEIVED", "TESTING", "REJECTED"]);
    expect(b.custody.find((s: { step: string }) => s.step === "HANDED_TO_COURIER")).toMatchObject({ actorRole: "SAMPLER", actorId: sampler().subject, detail: "C-77" });
    expect(b.custody.find((s: { step: string }) => s.step === "RECEIVED")).toMatchObject({ actorRole: "LAB", actorId: lab().subject, tube: null });
    expect(b.custody.find((s: { step: string }) => s.step === "REJECTED")).toMatchObject({ detail: "LEAKED", tube: { code: t2 } });
    const ts = Object.fromEntries(b.tubes.map((t: { code: string; status: string; custody: Array<{ step: string }> }) => [t.code, t]));
    expect(ts[t1].status).toBe("TESTING");
    expect(ts[t1].custody.map((s: { step: string }) => s.step)).toEqual(["BOX_SCANNED", "TUBE_SCANNED", "SEALED", "HANDED_TO_COURIER", "RECEIVED", "TESTING"]);
    expect(ts[t2].status).toBe("REJECTED");
    // The box's lab reads it; another agency's lab and a resident do not.
    expect((await graph.query(CUSTODY, { b: box }, otherLab())).body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    refused(await graph.query(CUSTODY, { b: box }, residentOf(p)), "FORBIDDEN");
  });

  test("staff bindings: a token for a site or agency the person is not bound to is refused, and writes nothing", async () => {
    const stranger: Viewer = { role: "SAMPLER", subject: graph.city.residents[7]!.personId, siteId: site().id };
    const tubes = await count("sample_tube");
    refused(await graph.query(SCAN, { i: { boxCode: fresh("B-NB"), tubeCode: fresh("T-NB"), poolSize: 1 } }, stranger), "FORBIDDEN", "NOT_BOUND_TO_SITE");
    refused(await graph.query(`mutation { openSamplingSession(hours: 1) { id } }`, {}, stranger), "FORBIDDEN", "NOT_BOUND_TO_SITE");
    // Bound at sites 0 and 1 only: a token naming site 2 opens nothing.
    refused(await graph.query(SCAN, { i: { boxCode: fresh("B-NB"), tubeCode: fresh("T-NB"), poolSize: 1 } }, { ...sampler(), siteId: graph.city.sites[2]!.id }), "FORBIDDEN", "NOT_BOUND_TO_SITE");
    expect(await count("sample_tube")).toBe(tubes);
    // Bound as lab staff is not bound as a sampler, and a revoked binding binds nothing.
    refused(await graph.query(`mutation { receiveBox(boxCode: "B-X") { status } }`, {}, { role: "LAB", subject: graph.city.residents[8]!.personId, agencyId: site().agencyId }), "FORBIDDEN", "NOT_BOUND_TO_AGENCY");
    await graph.databases.testing.sql.query(`INSERT INTO staff_binding (id, person_id, role, agency_id, revoked_at) VALUES (gen_random_uuid(), $1, 'LAB', $2, now())`, [graph.city.residents[8]!.personId, site().agencyId]);
    const results = await count("test_result");
    const revoked = await graph.query(`mutation { recordResults(inputs: [{ tubeCode: "T-X", outcome: NEGATIVE }]) { recorded } }`, {}, { role: "LAB", subject: graph.city.residents[8]!.personId, agencyId: site().agencyId });
    refused(revoked, "FORBIDDEN", "NOT_BOUND_TO_AGENCY");
    expect(await count("test_result")).toBe(results);
  });

  test("the agency binds and revokes its own staff through the graph; an unbound or revoked token reads no tube either", async () => {
    const BIND = `mutation Bind($i: BindStaffInput!) { bindStaff(input: $i) { id role siteId agencyId revokedAt } }`;
    const REVOKE = `mutation Revoke($id: ID!) { revokeStaffBinding(id: $id) { id revokedAt } }`;
    const LIST = `query { staffBindings { id role siteId } }`;
    const TUBE = `query Tube($c: String!) { tube(code: $c) { code status } }`;
    const newcomer = graph.city.residents[10]!;
    const asNewcomer: Viewer = { role: "SAMPLER", subject: newcomer.personId, siteId: site().id };
    // A tube of the site, scanned by the bound sampler.
    const tube = fresh("T-BIND");
    expect((await graph.query(SCAN, { i: { boxCode: fresh("B-BIND"), tubeCode: tube, poolSize: 1 } }, sampler())).body.errors).toBeUndefined();
    // Not yet bound: no scan, and the tube reads as nothing (FORBIDDEN on its fields).
    refused(await graph.query(SCAN, { i: { boxCode: fresh("B-NB"), tubeCode: fresh("T-NB"), poolSize: 1 } }, asNewcomer), "FORBIDDEN", "NOT_BOUND_TO_SITE");
    expect((await graph.query(TUBE, { c: tube }, asNewcomer)).body.data?.tube ?? null).toBeNull();

    // Bad input and other agencies' places change nothing.
    const before = await count("staff_binding");
    refused(await graph.query(BIND, { i: { role: "SAMPLER", documentNumber: newcomer.idNumber.slice(0, 17) + (newcomer.idNumber.endsWith("0") ? "1" : "0"), siteId: site().id } }, lab()), "BAD_USER_INPUT");
    refused(await graph.query(BIND, { i: { role: "SAMPLER", documentNumber: newcomer.idNumber } }, lab()), "BAD_USER_INPUT");
    refused(await graph.query(BIND, { i: { role: "SAMPLER", documentNumber: newcomer.idNumber, siteId: "site-nowhere" } }, lab()), "NOT_FOUND", "UNKNOWN_SITE");
    refused(await graph.query(BIND, { i: { role: "SAMPLER", documentNumber: newcomer.idNumber, siteId: site().id } }, otherLab()), "FORBIDDEN", "OTHER_AGENCY");
    // A lab token of the agency whose holder is not bound to it cannot bind anyone.
    refused(await graph.query(BIND, { i: { role: "SAMPLER", documentNumber: newcomer.idNumber, siteId: site().id } }, { role: "LAB", subject: graph.city.residents[11]!.personId, agencyId: site().agencyId }), "FORBIDDEN", "NOT_BOUND_TO_AGENCY");
    expect(await count("staff_binding")).toBe(before);

    // The agency's lab binds the newcomer (twice: the same binding), who may then work and read.
    const bound = await graph.query(BIND, { i: { role: "SAMPLER", documentNumber: newcomer.idNumber, siteId: site().id } }, lab());
    expect(bound.body.errors).toBeUndefined();
    expect(bound.body.data.bindStaff).toMatchObject({ role: "SAMPLER", siteId: site().id, agencyId: null, revokedAt: null });
    const again = await graph.query(BIND, { i: { role: "SAMPLER", documentNumber: newcomer.idNumber, siteId: site().id } }, lab());
    expect(again.body.data.bindStaff.id).toBe(bound.body.data.bindStaff.id);
    expect(await count("staff_binding")).toBe(before + 1);
    expect((await graph.query(LIST, {}, lab())).body.data.staffBindings.map((b: { id: string }) => b.id)).toContain(bound.body.data.bindStaff.id);
    expect((await graph.query(TUBE, { c: tube }, asNewcomer)).body.data.tube).toEqual({ code: tube, status: "COLLECTED" });
    expect((await graph.query(SCAN, { i: { boxCode: fresh("B-NEW"), tubeCode: fresh("T-NEW"), poolSize: 1 } }, asNewcomer)).body.errors).toBeUndefined();

    // Another agency cannot revoke it (it does not exist for them); its own agency can, once.
    refused(await graph.query(REVOKE, { id: bound.body.data.bindStaff.id }, otherLab()), "NOT_FOUND", "UNKNOWN_BINDING");
    const revoked = await graph.query(REVOKE, { id: bound.body.data.bindStaff.id }, lab());
    expect(revoked.body.data.revokeStaffBinding.revokedAt).toEqual(expect.any(String));
    expect((await graph.query(REVOKE, { id: bound.body.data.bindStaff.id }, lab())).body.data.revokeStaffBinding.revokedAt).toBe(revoked.body.data.revokeStaffBinding.revokedAt);
    refused(await graph.query(SCAN, { i: { boxCode: fresh("B-NB"), tubeCode: fresh("T-NB"), poolSize: 1 } }, asNewcomer), "FORBIDDEN", "NOT_BOUND_TO_SITE");
    expect((await graph.query(TUBE, { c: tube }, asNewcomer)).body.data?.tube ?? null).toBeNull();
  });

  test("the registry: sites by district with 24-hour and pooled filters; an agency's capacity and today's load", async () => {
    const district = site().district;
    const SITES = `query Sites($d: String!, $h: Boolean, $p: Boolean) { sites(district: $d, open24h: $h, pooled: $p) { id district open24h pooled walkIns openingHours } }`;
    const all = (await graph.query(SITES, { d: district }, residentOf(graph.city.residents[9]!))).body.data.sites;
    const expected = graph.city.sites.filter((s) => s.district === district);
    expect(all.map((s: { id: string }) => s.id).sort()).toEqual(expected.map((s) => s.id).sort());
    const open24 = (await graph.query(SITES, { d: district, h: true }, residentOf(graph.city.residents[9]!))).body.data.sites;
    expect(open24.every((s: { open24h: boolean; district: string }) => s.open24h && s.district === district)).toBe(true);
    const pooled = (await graph.query(SITES, { d: district, p: true }, residentOf(graph.city.residents[9]!))).body.data.sites;
    expect(pooled.map((s: { id: string }) => s.id).sort()).toEqual(expected.filter((s) => s.pooled).map((s) => s.id).sort());
    refused(await graph.query(SITES, { d: " " }, residentOf(graph.city.residents[9]!)), "BAD_USER_INPUT");
    const LOAD = `query Load($id: ID!) { agency(id: $id) { licenceNumber labs pooledTesting dailyCapacity todayLoad { day swabs results dailyCapacity utilisation } } }`;
    const before = (await graph.query(LOAD, { id: site().agencyId }, lab())).body.data.agency;
    expect(before.dailyCapacity).toBeGreaterThan(0);
    expect(before.licenceNumber).toMatch(/^PDL-/);
    expect(before.todayLoad.dailyCapacity).toBe(before.dailyCapacity);
    const tube = fresh("T-LOAD");
    await graph.query(SCAN, { i: { boxCode: fresh("B-LOAD"), tubeCode: tube, poolSize: 10 } }, sampler());
    const p = quietResidents(graph)[5]!;
    expect((await graph.query(BY_ID, { i: { tubeCode: tube, documentNumber: p.idNumber, phone: p.phone } }, sampler())).body.errors).toBeUndefined();
    const after = (await graph.query(LOAD, { id: site().agencyId }, lab())).body.data.agency.todayLoad;
    expect(after.swabs).toBe(before.todayLoad.swabs + 1);
    expect(after.utilisation).toBeCloseTo(after.swabs / before.dailyCapacity);
  });
});
