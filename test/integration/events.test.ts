// Domain events through the real graph, in each run mode available on this machine: every effect
// is caused by a mutation through the gateway and observed through the gateway or the owning
// silo's own table, waiting on conditions (never fixed sleeps).
//   RiskPointReported (venues → health-code), StatusChanged (health-code → venues, appeals),
//   AppealDecided (appeals → health-code), ResultRecorded (testing → health-code), /metrics.
import { DEMO_CASE } from "../../kernel/privacy/cases";
import { MODES } from "../support/services";
import { startTestGraph, type TestGraph } from "../support/graph";
import { bindStaffEverywhere } from "../support/staff";
import { deliverBox, openSamplingSession } from "../support/sampling";
import { waitFor } from "../events/helpers/wait";
import type { Viewer } from "../../kernel/auth/viewer";
import type { DemoResident } from "../../kernel/demo/city";
import { swab } from "../health-code/helpers";

const ME = `{ me { healthCode { colour causes { id kind } } } }`;
const CHECK_IN = `mutation CheckIn($code: String!) { checkIn(registerCode: $code) { id } }`;
const REPORT = `mutation Report($venueId: ID!, $from: DateTime!, $to: DateTime!) {
  reportRiskPoint(venueId: $venueId, from: $from, to: $to) { id visitorCount venue { id } } }`;
const MY_REGISTERS = `{ myRegisters { id code status } }`;
const RESUME = `mutation Resume($id: ID!) { resumeRegister(id: $id) { id status } }`;
const CREATE_REGISTER = `mutation Create($venueId: ID!, $label: String!) { createRegister(venueId: $venueId, label: $label) { id status } }`;
const SUBMIT = `mutation Submit($input: SubmitAppealInput!) { submitAppeal(input: $input) { id status } }`;
const DECIDE = `mutation Decide($input: DecideAppealInput!) { decideAppeal(input: $input) { id status } }`;
const REPORT_STEP = `mutation R($i: RecordAppealStepInput!) { recordCommunityReport(input: $i) { id } }`;
const LETTER_STEP = `mutation L($i: RecordAppealStepInput!) { recordCommitmentLetter(input: $i) { id } }`;
const HOUR = 3_600_000;

type Cause = { id: string; kind: string };

describe.each(MODES)("domain events between silos (%s mode)", (mode) => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph(mode);
    await bindStaffEverywhere(graph, graph.city.residents.slice(0, 2).map((r) => r.personId));
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const resident = (p: DemoResident): Viewer => ({ role: "RESIDENT", subject: p.personId });
  const epidemiologist = (): Viewer => ({ role: "EPIDEMIOLOGIST", subject: graph.city.residents[2]!.personId, purpose: DEMO_CASE });
  const officer = (community: string): Viewer => ({ role: "COMMUNITY_OFFICER", subject: graph.city.residents[3]!.personId, community });
  /** Residents with no cause who hold no register, so nothing else in the city touches them. */
  const greens = () => {
    const busy = new Set([...graph.city.causes.map((c) => c.personId), ...graph.city.registers.map((r) => r.registrarId)]);
    return graph.city.residents.filter((r) => !busy.has(r.personId));
  };
  const causesOf = async (p: DemoResident): Promise<{ colour: string; causes: Cause[] }> => {
    const res = await graph.query(ME, {}, resident(p));
    expect(res.body.errors).toBeUndefined();
    return res.body.data.me.healthCode;
  };
  const hc = <T>(sql: string, params: unknown[] = []) => graph.databases["health-code"].sql.query<T>(sql, params);
  const processed = async (group: string) => (await hc<{ n: number }>("SELECT count(*)::int AS n FROM processed_event WHERE consumer = $1", [group]))[0]!.n;
  const replica = async (causeId: string) =>
    (await graph.databases.appeals.sql.query<{ person_id: string; open: boolean }>("SELECT person_id, open FROM cause_replica WHERE cause_id = $1", [causeId]))[0];
  /**
   * Meets a travel or risk-point pop-up's clearing rule for `p`: the cause dated 50 hours ago, two
   * negatives 25 hours apart after it (testing → health-code), and the community's report and the
   * commitment letter recorded by the officer in the appeal (appeals → health-code).
   */
  const meetClearingRule = async (p: DemoResident, causeId: string, appealId: string) => {
    await hc(`UPDATE status_cause SET raised_at = $2::timestamp WHERE id = $1`, [causeId, new Date(Date.now() - 50 * HOUR).toISOString()]);
    for (const hoursAgo of [48, 23]) await swab(graph, [p], { pooled: false, outcome: "NEGATIVE", swabbedAt: new Date(Date.now() - hoursAgo * HOUR) });
    expect((await graph.query(REPORT_STEP, { i: { id: appealId, reference: "jxxz-1" } }, officer(p.community))).body.errors).toBeUndefined();
    expect((await graph.query(LETTER_STEP, { i: { id: appealId, reference: "letter-1" } }, officer(p.community))).body.errors).toBeUndefined();
  };
  /** A seeded register's signed QR code, as its registrar sees it. */
  const codeOf = async (r: { id: string; registrarId: string }): Promise<string> => {
    const res = await graph.query(MY_REGISTERS, {}, { role: "REGISTRAR", subject: r.registrarId });
    return (res.body.data.myRegisters as Array<{ id: string; code: string }>).find((x) => x.id === r.id)!.code;
  };
  /** Checks a visitor in at the venue's first register and reports the venue for the last minute. */
  const exposeAt = async (venueIndex: number, visitors: DemoResident[]) => {
    const venue = graph.city.venues[venueIndex]!;
    const register = graph.city.registers.find((r) => r.venueId === venue.id)!;
    const from = new Date(Date.now() - 60_000).toISOString();
    const code = await codeOf(register);
    for (const v of visitors) expect((await graph.query(CHECK_IN, { code }, resident(v))).body.errors).toBeUndefined();
    const to = new Date(Date.now() + 1_000).toISOString();
    const res = await graph.query(REPORT, { venueId: venue.id, from, to }, epidemiologist());
    expect(res.body.errors).toBeUndefined();
    return { venue, from, to, report: res.body.data.reportRiskPoint as { visitorCount: number } };
  };

  test("a reported risk point turns a visitor's health code to POPUP, once per venue and window", async () => {
    const visitor = greens()[10]!;
    expect((await causesOf(visitor)).colour).toBe("GREEN");
    const before = await processed("health-code.risk-points");
    const { venue, from, to, report } = await exposeAt(5, [visitor]);
    expect(report.visitorCount).toBe(1);
    await waitFor("the visitor's risk-point pop-up", async () => (await causesOf(visitor)).colour === "POPUP");
    expect((await causesOf(visitor)).causes.map((c) => c.kind)).toEqual(["POPUP_RISK_POINT"]);
    // The same venue and window reported again: applied, but no second open cause.
    expect((await graph.query(REPORT, { venueId: venue.id, from, to }, epidemiologist())).body.errors).toBeUndefined();
    await waitFor("the second report to be applied", async () => (await processed("health-code.risk-points")) >= before + 2);
    expect((await causesOf(visitor)).causes).toHaveLength(1);
  });

  test("reportRiskPoint refuses a bad window and other roles", async () => {
    const venueId = graph.city.venues[0]!.id;
    const emitted = async () =>
      (await graph.databases.venues.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox_event WHERE type = 'RiskPointReported'"))[0]!.n;
    const before = await emitted();
    const now = Date.now();
    const at = (ms: number) => new Date(now + ms).toISOString();
    const reversed = await graph.query(REPORT, { venueId, from: at(0), to: at(-3_600_000) }, epidemiologist());
    expect(reversed.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const tooLong = await graph.query(REPORT, { venueId, from: at(-15 * 86_400_000), to: at(0) }, epidemiologist());
    expect(tooLong.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const resident0 = await graph.query(REPORT, { venueId, from: at(-3_600_000), to: at(0) }, resident(greens()[0]!));
    expect(resident0.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const unknownVenue = await graph.query(REPORT, { venueId: "no-such-venue", from: at(-3_600_000), to: at(0) }, epidemiologist());
    expect(unknownVenue.body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(await emitted()).toBe(before);
  });

  test("an abnormal registrar's registers are suspended and they cannot open one; green again, they return only when resumed", async () => {
    const registrarId = graph.city.registers[0]!.registrarId;
    const registrar = graph.city.residents.find((r) => r.personId === registrarId)!;
    const own = graph.city.registers.filter((r) => r.registrarId === registrarId);
    const asRegistrar: Viewer = { role: "REGISTRAR", subject: registrarId, venueIds: own.map((r) => r.venueId) };
    const statuses = async () => ((await graph.query(MY_REGISTERS, {}, asRegistrar)).body.data.myRegisters as Array<{ status: string }>).map((r) => r.status);
    expect(new Set(await statuses())).toEqual(new Set(["ACTIVE"]));
    const ownCode = await codeOf(own[0]!);

    await exposeAt(6, [registrar]);
    await waitFor("the registrar's registers to be suspended", async () => (await statuses()).every((s) => s === "SUSPENDED"));
    const refused = await graph.query(CREATE_REGISTER, { venueId: own[0]!.venueId, label: "侧门" }, asRegistrar);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(refused.body.errors?.[0]?.extensions?.reason).toBe("REGISTRAR_STATUS_ABNORMAL");
    const scan = await graph.query(CHECK_IN, { code: ownCode }, resident(greens()[12]!));
    expect(scan.body.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    expect(scan.body.errors?.[0]?.extensions?.reason).toBe("REGISTER_SUSPENDED");

    // Cleared by an approved appeal once the rule is met: green again, registers reactivated, a new one allowed.
    const [cause] = (await causesOf(registrar)).causes;
    await waitFor("the cause to reach the appeals replica", async () => (await replica(cause!.id))?.open === true);
    const appeal = await graph.query(SUBMIT, { input: { causeId: cause!.id, community: registrar.community, reason: "I was not there at that time." } }, resident(registrar));
    expect(appeal.body.errors).toBeUndefined();
    await meetClearingRule(registrar, cause!.id, appeal.body.data.submitAppeal.id);
    const decided = await graph.query(DECIDE, { input: { id: appeal.body.data.submitAppeal.id, approve: true } }, officer(registrar.community));
    expect(decided.body.errors).toBeUndefined();
    const greenAgain = async () =>
      (await graph.databases.venues.sql.query<{ abnormal: boolean }>("SELECT abnormal FROM person_status WHERE person_id = $1", [registrarId]))[0]?.abnormal === false;
    await waitFor("venues to learn that the registrar is green again", greenAgain);
    // Nothing comes back by itself: the registrar resumes each register.
    expect(new Set(await statuses())).toEqual(new Set(["SUSPENDED"]));
    for (const r of own) expect((await graph.query(RESUME, { id: r.id }, asRegistrar)).body.data.resumeRegister.status).toBe("ACTIVE");
    expect(new Set(await statuses())).toEqual(new Set(["ACTIVE"]));
    const created = await graph.query(CREATE_REGISTER, { venueId: own[0]!.venueId, label: "侧门" }, asRegistrar);
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data.createRegister.status).toBe("ACTIVE");
  });

  test("an approved appeal clears a seeded cause once its clearing rule is met, and the resident turns GREEN; a cleared cause cannot be appealed again", async () => {
    // A travel or risk-point pop-up (medicine pop-ups are the result test's).
    const popped = graph.city.residents.find((r) => {
      const causes = graph.city.causes.filter((c) => c.personId === r.personId);
      return causes.length === 1 && (causes[0]!.kind === "POPUP_TRAVEL" || causes[0]!.kind === "POPUP_RISK_POINT");
    })!;
    const [cause] = (await causesOf(popped)).causes;
    // Seeded causes reach appeals' replica through health-code's seed events.
    await waitFor("the seeded cause in the appeals replica", async () => (await replica(cause!.id))?.person_id === popped.personId);
    const input = { causeId: cause!.id, community: popped.community, reason: "Wrong pop-up: I bought asthma medicine." };
    const appeal = await graph.query(SUBMIT, { input }, resident(popped));
    expect(appeal.body.errors).toBeUndefined();
    const decided = await graph.query(DECIDE, { input: { id: appeal.body.data.submitAppeal.id, approve: true } }, officer(popped.community));
    expect(decided.body.data.decideAppeal.status).toBe("APPROVED");
    // The approval reaches health-code, whose rule is not met yet (no tests, no steps): still a pop-up.
    await waitFor("the approval in health-code", async () => (await hc("SELECT 1 FROM clearing_step WHERE cause_id = $1 AND step = 'APPEAL_APPROVED'", [cause!.id])).length > 0);
    expect((await causesOf(popped)).colour).toBe("POPUP");
    // The approval waits for the rule: the steps recorded in the appeal and two negatives complete it.
    await meetClearingRule(popped, cause!.id, appeal.body.data.submitAppeal.id);
    await waitFor("the resident's status to turn GREEN", async () => (await causesOf(popped)).colour === "GREEN");
    const [row] = await hc<{ cleared_reason: string }>("SELECT cleared_reason FROM status_cause WHERE id = $1", [cause!.id]);
    expect(row!.cleared_reason).toBe("appeal approved");
    await waitFor("the replica to record the cause as cleared", async () => (await replica(cause!.id))?.open === false);
    const again = await graph.query(SUBMIT, { input }, resident(popped));
    expect(again.body.errors?.[0]?.extensions?.code).toBe("CONFLICT");
  });

  test("an appeal for someone else's cause is refused and nothing is written", async () => {
    // The last medicine pop-up: no other test here touches it.
    const owner = graph.city.causes.filter((c) => c.kind === "POPUP_MEDICINE").at(-1)!;
    const ownerResident = graph.city.residents.find((r) => r.personId === owner.personId)!;
    const [cause] = (await causesOf(ownerResident)).causes;
    await waitFor("the cause in the appeals replica", async () => (await replica(cause!.id)) !== undefined);
    const other = greens()[13]!;
    const count = async () => (await graph.databases.appeals.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM appeal"))[0]!.n;
    const before = await count();
    const res = await graph.query(SUBMIT, { input: { causeId: cause!.id, community: other.community, reason: "Not mine, but let me try." } }, resident(other));
    expect(res.body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const unknown = await graph.query(SUBMIT, { input: { causeId: "no-such-cause", community: other.community, reason: "Made up." } }, resident(other));
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(await count()).toBe(before);
  });

  test("a negative result clears the medicine pop-up in health-code's own table", async () => {
    const cause = graph.city.causes.find((c) => c.kind === "POPUP_MEDICINE")!;
    const person = graph.city.residents.find((r) => r.personId === cause.personId)!;
    const site = graph.city.sites[1]!;
    const { code: tube, boxCode } = graph.city.tubes.find((t) => t.siteId === site.id)!;
    const sampler: Viewer = { role: "SAMPLER", subject: graph.city.residents[0]!.personId, siteId: site.id };
    const lab: Viewer = { role: "LAB", subject: graph.city.residents[1]!.personId, agencyId: site.agencyId };
    await openSamplingSession(graph, sampler);
    const swab = await graph.query(`mutation R($input: RegisterSampleInput!) { registerSample(input: $input) { id } }`, { input: { tubeCode: tube, documentNumber: person.idNumber, phone: person.phone } }, sampler);
    expect(swab.body.errors).toBeUndefined();
    await deliverBox(graph, sampler, lab, boxCode);
    const recorded = await graph.query(`mutation Rec($input: RecordResultInput!) { recordResult(input: $input) { outcome } }`, { input: { tubeCode: tube, outcome: "NEGATIVE" } }, lab);
    expect(recorded.body.errors).toBeUndefined();
    const open = () => hc<{ cleared_reason: string | null }>("SELECT cleared_reason FROM status_cause WHERE person_id = $1 AND kind = 'POPUP_MEDICINE'", [person.personId]);
    await waitFor("the medicine cause to be cleared in health-code's table", async () => (await open()).every((c) => c.cleared_reason !== null));
    expect((await open())[0]!.cleared_reason).toMatch(/negative test result/);
    // The clearing is itself announced: appeals' replica sees the cause closed too.
    const [row] = await hc<{ id: string }>("SELECT id FROM status_cause WHERE person_id = $1 AND kind = 'POPUP_MEDICINE'", [person.personId]);
    await waitFor("the replica to record the medicine cause as cleared", async () => (await replica(row!.id))?.open === false);
  });

  test("every subgraph serves /metrics in Prometheus text without personal data", async () => {
    for (const [silo, running] of Object.entries(graph.subgraphs)) {
      const res = await fetch(running.url.replace(/\/graphql$/, "/metrics"));
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain(`events_outbox_unpublished{stream="${silo}"}`);
      expect(text).toContain(`events_stream_length{stream="${silo}"}`);
      for (const r of graph.city.residents.slice(0, 60)) {
        expect(text).not.toContain(r.personId);
        expect(text).not.toContain(r.idNumber);
      }
    }
    const healthCode = await (await fetch(graph.subgraphs["health-code"].url.replace(/\/graphql$/, "/metrics"))).text();
    expect(healthCode).toMatch(/events_group_pending\{stream="health-code",group="venues.registrar-status"\} \d+/);
    expect(healthCode).toMatch(/events_dead_letters\{stream="testing",group="health-code.medicine-results"\} 0/);
  });
});
