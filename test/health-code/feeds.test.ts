// Trips and feeds through the real graph: the CDC's risk-area feed raises TRAVEL pop-ups on
// residents whose declared trips overlap, a trip declared after the feed raises at once, the
// pharmacies' and clinics' feed raises MEDICATION pop-ups, each feed is answered per row (good
// rows applied, bad ones refused with a code), a retry raises nothing twice, and the demo
// notifier records a masked notice per new pop-up.
import { startTestGraph, type TestGraph } from "../support/graph";
import { demoNotifier } from "../../subgraphs/health-code/feeds/notifier";
import { maskPhone } from "../../kernel/identity";
import { cdc, quietResidents, refused, residentOf } from "./helpers";
import type { DemoResident } from "../../kernel/demo/city";

const TRIP = `mutation($i: TripInput!) { declareTrip(input: $i) { id district } }`;
const AREAS = `mutation($rows: [RiskAreaRow!]!) { postRiskAreas(rows: $rows) { applied refused causesRaised noticesSent rows { index applied code message causesRaised } } }`;
const MEDS = `mutation($rows: [MedicationRow!]!) { postMedicationFeed(rows: $rows) { applied refused causesRaised noticesSent rows { index applied code causesRaised } } }`;
const ME = `{ me { healthCode { colour causes { kind detail progress { text overdue } } } } }`;
const DAY = 86_400_000;
const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

describe("trips and feeds (embedded mode)", () => {
  let graph: TestGraph;
  let people: DemoResident[];
  beforeAll(async () => {
    graph = await startTestGraph("embedded", 100);
    people = quietResidents(graph);
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const me = async (p: DemoResident) => (await graph.query(ME, {}, residentOf(p))).body.data.me.healthCode;
  const causeRows = async () => (await graph.databases["health-code"].sql.query<{ n: number }>("SELECT count(*)::int AS n FROM status_cause"))[0]!.n;

  test("a risk-area feed raises TRAVEL on overlapping trips, answers each row, and a retry raises nothing twice", async () => {
    const [traveller, elsewhere, late] = [people[0]!, people[1]!, people[2]!];
    expect((await graph.query(TRIP, { i: { district: "测试区A", arrivedAt: iso(4 * DAY), leftAt: iso(2 * DAY) } }, residentOf(traveller))).body.errors).toBeUndefined();
    expect((await graph.query(TRIP, { i: { district: "测试区A", arrivedAt: iso(30 * DAY), leftAt: iso(20 * DAY) } }, residentOf(elsewhere))).body.errors).toBeUndefined();
    const sentBefore = demoNotifier.sent.length;
    const rows = [
      { district: "测试区A", level: "HIGH", from: iso(5 * DAY), to: iso(DAY), feedRef: "cdc-2026-11-25-1" },
      { district: "测试区B", level: "LOW", from: iso(5 * DAY), to: iso(DAY), feedRef: "cdc-2026-11-25-2" },
      { district: "测试区C", level: "MEDIUM", from: iso(DAY), to: iso(5 * DAY), feedRef: "cdc-2026-11-25-3" },
      { district: " ", level: "MEDIUM", from: "yesterday", to: iso(DAY), feedRef: "cdc-2026-11-25-4" },
    ];
    const res = await graph.query(AREAS, { rows }, cdc(graph));
    expect(res.body.errors).toBeUndefined();
    const report = res.body.data.postRiskAreas;
    expect(report).toMatchObject({ applied: 1, refused: 3, causesRaised: 1, noticesSent: 1 });
    expect(report.rows.map((r: { applied: boolean; code: string | null }) => [r.applied, r.code])).toEqual([[true, null], [false, "BAD_USER_INPUT"], [false, "BAD_USER_INPUT"], [false, "BAD_USER_INPUT"]]);
    expect(report.rows[1].message).toMatch(/MEDIUM or HIGH/);
    const status = await me(traveller);
    expect(status.colour).toBe("POPUP");
    expect(status.causes.map((c: { kind: string }) => c.kind)).toEqual(["POPUP_TRAVEL"]);
    expect(status.causes[0].progress.text).toMatch(/^0 of 2 negative tests/);
    expect((await me(elsewhere)).colour).toBe("GREEN");
    // The notice: masked phone, no name, says how to clear.
    const notice = demoNotifier.sent.at(-1)!;
    expect(demoNotifier.sent.length).toBe(sentBefore + 1);
    expect(notice.phoneMasked).toBe(maskPhone(traveller.phone));
    expect(notice.text).not.toContain(traveller.name);
    expect(notice.text).toMatch(/two negative tests/i);
    // The same feed again: applied, nothing raised, nobody notified twice.
    const causes = await causeRows();
    const again = await graph.query(AREAS, { rows: rows.slice(0, 1) }, cdc(graph));
    expect(again.body.data.postRiskAreas).toMatchObject({ applied: 1, causesRaised: 0, noticesSent: 0 });
    expect(await causeRows()).toBe(causes);
    // A trip declared after the feed raises the pop-up at once.
    await graph.query(TRIP, { i: { district: "测试区A", arrivedAt: iso(3 * DAY) } }, residentOf(late));
    expect((await me(late)).colour).toBe("POPUP");
  });

  test("bad trips and wrong roles are refused with nothing written", async () => {
    const p = people[3]!;
    const before = await causeRows();
    refused(await graph.query(TRIP, { i: { district: "测试区A", arrivedAt: iso(DAY), leftAt: iso(2 * DAY) } }, residentOf(p)), "BAD_USER_INPUT");
    refused(await graph.query(TRIP, { i: { district: "测试区A", arrivedAt: new Date(Date.now() + DAY).toISOString() } }, residentOf(p)), "BAD_USER_INPUT");
    refused(await graph.query(AREAS, { rows: [] }, residentOf(p)), "FORBIDDEN");
    refused(await graph.query(MEDS, { rows: [] }, { role: "APP", scopes: ["status:read"] }), "FORBIDDEN");
    expect(await causeRows()).toBe(before);
    const trips = await graph.databases["health-code"].sql.query<{ n: number }>("SELECT count(*)::int AS n FROM trip WHERE person_id = $1", [p.personId]);
    expect(trips[0]!.n).toBe(0);
  });

  test("the pharmacy and clinic feed raises MEDICATION for listed medicines and symptoms only, per row", async () => {
    const [buyer, patient, asthmatic] = [people[4]!, people[5]!, people[6]!];
    const good = buyer.idNumber;
    const wrongCheck = good.slice(0, 17) + (good.endsWith("0") ? "1" : "0");
    const rows = [
      { documentNumber: buyer.idNumber, source: "PHARMACY", category: "FEVER", occurredAt: iso(2 * 3_600_000), sourceRef: "ph-1001" },
      { documentNumber: asthmatic.idNumber, source: "PHARMACY", category: "ASTHMA", occurredAt: iso(3_600_000), sourceRef: "ph-1002" },
      { documentNumber: wrongCheck, source: "PHARMACY", category: "COUGH", occurredAt: iso(3_600_000), sourceRef: "ph-1003" },
      { documentNumber: "11010519491231002X", source: "PHARMACY", category: "COUGH", occurredAt: iso(3_600_000), sourceRef: "ph-1004" },
      { documentNumber: patient.idNumber, source: "CLINIC", category: "DIARRHOEA", occurredAt: iso(DAY), sourceRef: "cl-77" },
      { documentNumber: patient.idNumber, source: "CLINIC", category: "TOOTHACHE", occurredAt: iso(DAY), sourceRef: "cl-78" },
    ];
    const app = { role: "APP" as const, scopes: ["feeds:medication"] };
    const res = await graph.query(MEDS, { rows }, app);
    expect(res.body.errors).toBeUndefined();
    const report = res.body.data.postMedicationFeed;
    expect(report).toMatchObject({ applied: 2, refused: 4, causesRaised: 2, noticesSent: 2 });
    expect(report.rows.map((r: { code: string | null }) => r.code)).toEqual([null, "BAD_USER_INPUT", "BAD_USER_INPUT", "NOT_FOUND", null, "BAD_USER_INPUT"]);
    expect(JSON.stringify(res.body)).not.toContain(wrongCheck.slice(0, 17));
    const buyerStatus = await me(buyer);
    expect(buyerStatus.causes.map((c: { kind: string }) => c.kind)).toEqual(["POPUP_MEDICINE"]);
    expect(buyerStatus.causes[0].progress).toMatchObject({ overdue: false });
    expect((await me(patient)).colour).toBe("POPUP");
    expect((await me(asthmatic)).colour).toBe("GREEN");
    const again = await graph.query(MEDS, { rows: rows.slice(0, 1) }, app);
    expect(again.body.data.postMedicationFeed).toMatchObject({ applied: 1, causesRaised: 0 });
  });

  test("the vaccination feed records per row, a retry records nothing twice, and the resident sees them beside status", async () => {
    const [p, other] = [people[7]!, people[8]!];
    const VAX = `mutation($rows: [VaccinationRow!]!) { postVaccinations(rows: $rows) { applied refused causesRaised rows { code } } }`;
    const rows = [
      { documentNumber: p.idNumber, vaccine: "Sinovac CoronaVac", dose: 1, administeredAt: iso(60 * DAY), sourceRef: "vx-1" },
      { documentNumber: p.idNumber, vaccine: "Sinovac CoronaVac", dose: 2, administeredAt: iso(30 * DAY), sourceRef: "vx-2" },
      { documentNumber: p.idNumber, vaccine: "Sinovac CoronaVac", dose: 9, administeredAt: iso(DAY), sourceRef: "vx-3" },
      { documentNumber: "11010519491231002X", vaccine: "BBIBP", dose: 1, administeredAt: iso(DAY), sourceRef: "vx-4" },
    ];
    const app = { role: "APP" as const, scopes: ["feeds:vaccination"] };
    const res = await graph.query(VAX, { rows }, app);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.postVaccinations).toEqual({ applied: 2, refused: 2, causesRaised: 2, rows: [{ code: null }, { code: null }, { code: "BAD_USER_INPUT" }, { code: "NOT_FOUND" }] });
    expect((await graph.query(VAX, { rows: rows.slice(0, 2) }, app)).body.data.postVaccinations).toMatchObject({ applied: 2, causesRaised: 0 });
    const page = await graph.query(`{ me { healthCode { colour } vaccinations { vaccine dose } } }`, {}, residentOf(p));
    expect(page.body.errors).toBeUndefined();
    expect(page.body.data.me.vaccinations).toEqual([{ vaccine: "Sinovac CoronaVac", dose: 1 }, { vaccine: "Sinovac CoronaVac", dose: 2 }]);
    const stranger = await graph.query(`query($id: ID!) { person(id: $id) { vaccinations { dose } } }`, { id: p.personId }, residentOf(other));
    expect(stranger.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
