// CDC's exposure search (issue 14, deliverable 6) through the real graph: persons for an
// epidemiologist with a purpose, counts for others, every search audited, and risk-point causes
// raised in health-code through RiskPointReported, one per case and person however many
// overlapping windows or repeated searches name them. Deleted registers' check-ins still count.
import { MODES } from "../support/services";
import { DEMO_CASE } from "../../kernel/privacy/cases";
import { startTestGraph, type TestGraph } from "../support/graph";
import { waitFor } from "../events/helpers/wait";
import type { Viewer } from "../../kernel/auth/viewer";
import { APPLY, CHECK_IN, count, greens, registrar, resident } from "./helpers";

const SEARCH = `mutation S($caseId: String!, $track: [ExposureWindow!]!, $raise: Boolean!) {
  exposureSearch(caseId: $caseId, track: $track, raiseCauses: $raise) { id caseId personCount causesRaised persons { id name } } }`;

describe.each(MODES)("exposure search (%s mode)", (mode) => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph(mode);
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const epidemiologist = (purpose?: string): Viewer => ({ role: "EPIDEMIOLOGIST", subject: graph.city.residents[2]!.personId, ...(purpose ? { purpose } : {}) });
  const auditor = (): Viewer => ({ role: "AUDITOR", subject: graph.city.residents[1]!.personId });
  const errorOf = (res: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) => res.body.errors?.[0]?.extensions;
  const openRiskCauses = async (personId: string) =>
    (await graph.databases["health-code"].sql.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM status_cause WHERE person_id = $1 AND kind = 'POPUP_RISK_POINT' AND cleared_at IS NULL", [personId]))[0]!.n;
  const reported = () => count(graph, "outbox_event", "type = 'RiskPointReported'");

  test("overlapping windows and a repeated search raise one cause per person; others count only; every search is audited", async () => {
    const owner = greens(graph)[0]!;
    const shop = { name: "追踪超市", kind: "SHOP", district: "东城区", community: "和平里社区", address: "东城区和平里3号" };
    const v = (await graph.query(APPLY, { venue: shop, label: "正门" }, resident(owner))).body.data.applyForRegister;
    const w = (await graph.query(APPLY, { venue: { ...shop, name: "追踪餐厅" }, label: "正门" }, resident(owner))).body.data.applyForRegister;
    const [x, y, bystander] = greens(graph).slice(1, 4) as [typeof owner, typeof owner, typeof owner];
    const t0 = Date.now();
    expect((await graph.query(CHECK_IN, { code: v.code }, resident(x))).body.errors).toBeUndefined();
    expect((await graph.query(CHECK_IN, { code: w.code }, resident(y))).body.errors).toBeUndefined();
    const t1 = Date.now();
    // The venue deletes its register meanwhile: the tracing copy still counts.
    expect((await graph.query(`mutation D($id: ID!) { deleteRegister(id: $id) { status } }`, { id: v.id }, registrar(owner.personId))).body.errors).toBeUndefined();
    const iso = (ms: number) => new Date(ms).toISOString();
    const track = [
      { venueId: v.venue.id, from: iso(t0 - 60_000), to: iso(t1 + 1_000) },
      { venueId: v.venue.id, from: iso(t0 - 30_000), to: iso(t1 + 2_000) }, // overlaps the first
      { venueId: w.venue.id, from: iso(t0 - 60_000), to: iso(t1 + 1_000) },
    ];
    expect(await openRiskCauses(x.personId)).toBe(0);

    const res = await graph.query(SEARCH, { caseId: DEMO_CASE, track, raise: true }, epidemiologist(DEMO_CASE));
    expect(res.body.errors).toBeUndefined();
    const found = res.body.data.exposureSearch;
    expect(found).toMatchObject({ caseId: DEMO_CASE, personCount: 2, causesRaised: 2 });
    expect(new Map(found.persons.map((p: { id: string; name: string }) => [p.id, p.name]))).toEqual(new Map([[x.personId, x.name], [y.personId, y.name]]));
    await waitFor("health-code to raise the causes", async () => (await openRiskCauses(x.personId)) === 1 && (await openRiskCauses(y.personId)) === 1);
    expect(await openRiskCauses(bystander.personId)).toBe(0);

    // The same case searched again (and wider): nobody is named twice, no event is emitted.
    const before = await reported();
    const again = await graph.query(SEARCH, { caseId: DEMO_CASE, track: [{ ...track[0]!, to: iso(t1 + 5_000) }], raise: true }, epidemiologist(DEMO_CASE));
    expect(again.body.data.exposureSearch).toMatchObject({ personCount: 1, causesRaised: 0 });
    expect(await reported()).toBe(before);
    expect(await openRiskCauses(x.personId)).toBe(1);

    // Counts only for an auditor and for an epidemiologist without a purpose.
    for (const viewer of [auditor(), epidemiologist()]) {
      const counted = await graph.query(SEARCH, { caseId: DEMO_CASE, track, raise: false }, viewer);
      expect(counted.body.errors).toBeUndefined();
      expect(counted.body.data.exposureSearch).toMatchObject({ personCount: 2, persons: null, causesRaised: 0 });
    }
    const audit = await graph.databases.venues.sql.query<{ role: string; purpose: string | null; persons: number; case_id: string }>(
      "SELECT role, purpose, persons, case_id FROM exposure_search_audit ORDER BY at");
    expect(audit.map((a) => [a.role, a.purpose, a.persons, a.case_id])).toEqual([
      ["EPIDEMIOLOGIST", DEMO_CASE, 2, DEMO_CASE],
      ["EPIDEMIOLOGIST", DEMO_CASE, 1, DEMO_CASE],
      ["AUDITOR", null, 2, DEMO_CASE],
      ["EPIDEMIOLOGIST", null, 2, DEMO_CASE],
    ]);
  });

  test("bad input and the wrong roles are refused with a code, and nothing is written", async () => {
    const venueId = graph.city.venues[0]!.id;
    const now = Date.now();
    const ok = { venueId, from: new Date(now - 3_600_000).toISOString(), to: new Date(now).toISOString() };
    const written = async () => [await count(graph, "exposure_search_audit"), await count(graph, "exposure_notice"), await count(graph, "outbox_event")];
    const before = await written();
    const epi = epidemiologist(DEMO_CASE);
    const cases: Array<[Viewer, Record<string, unknown>, string]> = [
      [epi, { caseId: DEMO_CASE, track: [{ ...ok, from: ok.to, to: ok.from }], raise: true }, "BAD_USER_INPUT"],
      [epi, { caseId: DEMO_CASE, track: [{ ...ok, from: new Date(now - 20 * 86_400_000).toISOString() }], raise: true }, "BAD_USER_INPUT"],
      [epi, { caseId: DEMO_CASE, track: [], raise: true }, "BAD_USER_INPUT"],
      [epi, { caseId: DEMO_CASE, track: [{ ...ok, venueId: "no-such-venue" }], raise: true }, "NOT_FOUND"],
      [auditor(), { caseId: DEMO_CASE, track: [ok], raise: true }, "FORBIDDEN"],
      [epidemiologist(), { caseId: DEMO_CASE, track: [ok], raise: true }, "FORBIDDEN"],
      [registrar(graph.city.registers[0]!.registrarId), { caseId: DEMO_CASE, track: [ok], raise: false }, "FORBIDDEN"],
      [resident(greens(graph)[5]!), { caseId: DEMO_CASE, track: [ok], raise: false }, "FORBIDDEN"],
    ];
    for (const [viewer, vars, code] of cases) expect([vars, errorOf(await graph.query(SEARCH, vars, viewer))?.code]).toEqual([vars, code]);
    expect(await written()).toEqual(before);
  });

  test("the case and the purpose are open cases' references from venues' replica of the CDC registry: blank, free text, unknown and closed refused, nothing written", async () => {
    const venueId = graph.city.venues[0]!.id;
    const now = Date.now();
    const track = [{ venueId, from: new Date(now - 3_600_000).toISOString(), to: new Date(now).toISOString() }];
    const written = async () => [await count(graph, "exposure_search_audit"), await count(graph, "exposure_notice"), await count(graph, "outbox_event")];
    const resident0 = graph.city.residents[0]!;
    const freeText = `${resident0.name} ${resident0.idNumber}`;
    const before = await written();
    // The CDC opens a case in health-code: venues learns of it through CaseRegistryChanged.
    const cdc = epidemiologist();
    const fresh = "CASE-2022-0777";
    expect(errorOf(await graph.query(`mutation O($r: String!) { openCase(reference: $r) { reference } }`, { r: fresh }, cdc))).toBeUndefined();
    await waitFor("venues replicates the opened case", async () => (await count(graph, "epi_case", "reference = $1 AND closed_at IS NULL", [fresh])) === 1, 30_000);
    const found = await graph.query(SEARCH, { caseId: fresh, track, raise: false }, epidemiologist(fresh));
    expect(found.body.errors).toBeUndefined();
    expect(found.body.data.exposureSearch.caseId).toBe(fresh);
    const afterGood = await written();
    expect(afterGood[0]).toBe(before[0]! + 1);
    // Closed: refused once venues' replica has the closing.
    expect(errorOf(await graph.query(`mutation C($r: String!) { closeCase(reference: $r) { reference } }`, { r: fresh }, cdc))).toBeUndefined();
    await waitFor("venues replicates the closing", async () => (await count(graph, "epi_case", "reference = $1 AND closed_at IS NOT NULL", [fresh])) === 1, 30_000);
    const outboxNow = await written();
    const refused: Array<[Viewer, string]> = [
      [epidemiologist(DEMO_CASE), ""],
      [epidemiologist(DEMO_CASE), "   "],
      [epidemiologist(DEMO_CASE), freeText],
      [epidemiologist(DEMO_CASE), "case-2022-0126"],
      [epidemiologist(DEMO_CASE), "CASE-2099-0001"],
      [epidemiologist(DEMO_CASE), fresh],
      [auditor(), "CASE-2099-0001"],
      // A purpose that is no open case's reference is refused too, whatever the case searched.
      [epidemiologist(" "), DEMO_CASE],
      [epidemiologist(freeText), DEMO_CASE],
      [epidemiologist("CASE-2099-0001"), DEMO_CASE],
      [epidemiologist(fresh), DEMO_CASE],
    ];
    for (const [viewer, caseId] of refused) {
      const res = await graph.query(SEARCH, { caseId, track, raise: viewer.role === "EPIDEMIOLOGIST" && !!viewer.purpose }, viewer);
      expect([caseId, viewer.purpose, errorOf(res)?.code]).toEqual([caseId, viewer.purpose, "BAD_USER_INPUT"]);
      // The refusal does not echo what was typed (it may name a resident).
      expect(JSON.stringify(res.body)).not.toContain(resident0.idNumber);
    }
    expect(await written()).toEqual(outboxNow);
    // Only case references were ever written to venues' audit table.
    const purposes = await graph.databases.venues.sql.query<{ purpose: string | null; case_id: string }>("SELECT purpose, case_id FROM exposure_search_audit");
    for (const p of purposes) {
      expect(p.case_id).toMatch(/^[A-Z]{2,8}-\d{4}-\d{2,6}$/);
      if (p.purpose !== null) expect(p.purpose).toMatch(/^[A-Z]{2,8}-\d{4}-\d{2,6}$/);
    }
  });
});
