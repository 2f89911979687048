// The whole life of a pop-up appeal through the gateway, with real tokens and real events between
// the silos: filing (reason code, evidence checked against testing's results, attachments with a
// SHA-256, contact phone), automatic resolution by a negative test, the officer's workflow with
// the community report and commitment letter recorded for health-code's clearing rule, a
// rejection, the SLA and escalation to the district, figures, a guardian filing for a ward, and
// every bad input refused with a stable code and nothing written.
import { createHash } from "node:crypto";
import { MODES } from "../support/services";
import { startTestGraph, type TestGraph } from "../support/graph";
import { waitFor } from "../events/helpers/wait";
import type { Viewer } from "../../kernel/auth/viewer";
import type { DemoResident } from "../../kernel/demo/city";
import { cdc, officerOf, quietResidents, recordsOf, refused, residentOf, swab } from "../health-code/helpers";
import { escalateOverdue } from "../../subgraphs/appeals/escalation";
import { maskIdNumber } from "../../kernel/identity";

const HOUR = 3_600_000;
const RAISE = `mutation Raise($i: RaiseCauseInput!) { raiseCause(input: $i) { id } }`;
const FIELDS = `id status reasonCode contactPhone filedByGuardian overdue dueAt escalatedAt assigned evidenceRequest decisionNote missing
  communityReportRecorded commitmentLetterRecorded evidence { kind reference } attachments { fileName mediaType sizeBytes sha256 } history { action from to actorRole }`;
const SUBMIT = `mutation Submit($i: SubmitAppealInput!) { submitAppeal(input: $i) { ${FIELDS} } }`;
const ADD = `mutation Add($i: AddAppealEvidenceInput!) { addAppealEvidence(input: $i) { ${FIELDS} } }`;
const ASSIGN = `mutation Assign($id: ID!) { assignAppeal(id: $id) { ${FIELDS} } }`;
const REQUEST = `mutation Req($i: RequestAppealEvidenceInput!) { requestAppealEvidence(input: $i) { ${FIELDS} } }`;
const REPORT = `mutation Rep($i: RecordAppealStepInput!) { recordCommunityReport(input: $i) { ${FIELDS} } }`;
const LETTER = `mutation Let($i: RecordAppealStepInput!) { recordCommitmentLetter(input: $i) { ${FIELDS} } }`;
const DECIDE = `mutation Decide($i: DecideAppealInput!) { decideAppeal(input: $i) { ${FIELDS} } }`;
/** The resident's view: each appeal, what it still needs, the cause's own progress, and their colour, in one query. */
const MY_VIEW = `{ me { healthCode { colour } appeals { id status missing decisionNote cause { id progress { text satisfied stepsMissing } } } } }`;

const sha = (content: string) => createHash("sha256").update(content).digest("hex");
const screenshot = { fileName: "popup-screenshot.png", mediaType: "image/png", sizeBytes: 48_213, sha256: sha("popup screenshot bytes") };

describe.each(MODES)("the appeal workflow through the gateway (%s mode)", (mode) => {
  let graph: TestGraph;
  let people: DemoResident[];
  let next = 0;
  const person = () => people[next++]!;

  const timer = process.env.APPEALS_ESCALATION_EVERY_MS;
  beforeAll(async () => {
    // The escalation job runs only when the test calls it, with the test's clock.
    process.env.APPEALS_ESCALATION_EVERY_MS = "0";
    graph = await startTestGraph(mode, 120);
    people = quietResidents(graph);
  }, 180_000);
  afterAll(async () => {
    await graph?.stop();
    if (timer === undefined) delete process.env.APPEALS_ESCALATION_EVERY_MS;
    else process.env.APPEALS_ESCALATION_EVERY_MS = timer;
  });

  const hc = <T>(sql: string, params: unknown[] = []) => graph.databases["health-code"].sql.query<T>(sql, params);
  const ap = <T>(sql: string, params: unknown[] = []) => graph.databases.appeals.sql.query<T>(sql, params);
  /** Rows in the appeals silo's tables: a refusal must leave every count as it was. */
  const written = async () =>
    (await ap<{ n: string }>(`SELECT (SELECT count(*) FROM appeal) || '/' || (SELECT count(*) FROM appeal_transition) || '/' || (SELECT count(*) FROM evidence) || '/' || (SELECT count(*) FROM attachment) AS n`))[0]!.n;
  const ok = <T = any>(res: { body: { data?: any; errors?: unknown } }, field: string): T => {
    if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
    return res.body.data[field] as T;
  };

  /** Raises a cause for `p` (officer for pop-ups the community raises, CDC otherwise) and waits for it in the appeals replica. */
  async function causeFor(p: DemoResident, kind: "POPUP_TRAVEL" | "POPUP_MEDICINE" | "POPUP_RISK_POINT", hoursAgo = 0): Promise<string> {
    const by = kind === "POPUP_MEDICINE" ? cdc(graph) : officerOf(graph, p.community);
    const id = ok<{ id: string }>(await graph.query(RAISE, { i: { personId: p.personId, kind, detail: `Test ${kind}`, evidenceRef: `ref-${kind}-${p.personId.slice(0, 6)}` } }, by), "raiseCause").id;
    if (hoursAgo > 0) await hc(`UPDATE status_cause SET raised_at = $2::timestamp WHERE id = $1`, [id, new Date(Date.now() - hoursAgo * HOUR).toISOString()]);
    await waitFor("the cause in the appeals replica", async () => (await ap(`SELECT 1 FROM cause_replica c JOIN cause_replica_person p USING (person_id) WHERE c.cause_id = $1 AND c.open AND p.community IS NOT NULL`, [id])).length > 0);
    return id;
  }
  /** A recorded test of `p`'s, as the tube id that evidence names, once appeals has it. */
  async function negativeTube(p: DemoResident, swabbedAt: Date, outcome: "NEGATIVE" | "POSITIVE" = "NEGATIVE"): Promise<string> {
    const code = await swab(graph, [p], { pooled: false, outcome, swabbedAt });
    const [tube] = await graph.databases.testing.sql.query<{ id: string }>(`SELECT id FROM sample_tube WHERE code = $1`, [code]);
    await waitFor("the result in health-code", async () => (await recordsOf(graph, code)) > 0);
    await waitFor("the result in the appeals replica", async () => (await ap(`SELECT 1 FROM result_replica WHERE tube_id = $1`, [tube!.id])).length > 0);
    return tube!.id;
  }
  /** A trip `p` declares in health-code, as the id that evidence names, once appeals has it. */
  async function declaredTrip(p: DemoResident): Promise<string> {
    const trip = ok<{ id: string }>(await graph.query(`mutation($i: TripInput!) { declareTrip(input: $i) { id } }`, { i: { district: "石景山区", arrivedAt: new Date(Date.now() - 72 * HOUR).toISOString(), leftAt: new Date(Date.now() - 70 * HOUR).toISOString() } }, residentOf(p)), "declareTrip");
    await waitFor("the trip in the appeals replica", async () => (await ap(`SELECT 1 FROM trip_replica WHERE trip_id = $1`, [trip.id])).length > 0);
    return trip.id;
  }
  const myView = async (p: DemoResident) => ok<any>(await graph.query(MY_VIEW, {}, residentOf(p)), "me");

  test("a medicine pop-up appealed as the wrong medicine class is AUTO_RESOLVED by a negative test, and the resident sees GREEN in the same query", async () => {
    const p = person();
    const causeId = await causeFor(p, "POPUP_MEDICINE");
    const filed = ok(await graph.query(SUBMIT, {
      i: { causeId, reasonCode: "WRONG_MEDICINE_CLASS", reason: "I bought asthma medicine, not one of the four classes.", contactPhone: "139-1234-5678", attachments: [screenshot] },
    }, residentOf(p)), "submitAppeal");
    expect(filed).toMatchObject({ status: "SUBMITTED", reasonCode: "WRONG_MEDICINE_CLASS", contactPhone: "13912345678", filedByGuardian: false, overdue: false, attachments: [screenshot] });
    expect(new Date(filed.dueAt).getTime() - Date.now()).toBeGreaterThan(9.9 * HOUR);
    expect((await myView(p)).healthCode.colour).toBe("POPUP");

    // The resident tests anywhere (no visit to the community office); health-code's rule clears the cause.
    await negativeTube(p, new Date(Date.now() + 60_000));
    await waitFor("the appeal to be auto-resolved", async () => (await ap<{ status: string }>(`SELECT status::text FROM appeal WHERE id = $1`, [filed.id]))[0]!.status === "AUTO_RESOLVED");
    const view = await myView(p);
    expect(view.healthCode.colour).toBe("GREEN");
    expect(view.appeals.find((a: { id: string }) => a.id === filed.id)).toMatchObject({ status: "AUTO_RESOLVED", missing: [] });
    const read = ok(await graph.query(`query($id: ID!) { appeal(id: $id) { history { action from to actorRole } } }`, { id: filed.id }, residentOf(p)), "appeal");
    expect(read.history).toEqual([
      { action: "SUBMIT", from: null, to: "SUBMITTED", actorRole: "RESIDENT" },
      { action: "AUTO_RESOLVE", from: "SUBMITTED", to: "AUTO_RESOLVED", actorRole: "SYSTEM" },
    ]);
    // Nothing left for an officer.
    const queue = ok<Array<{ id: string }>>(await graph.query(`{ appealsToReview { id } }`, {}, officerOf(graph, p.community)), "appealsToReview");
    expect(queue.map((a) => a.id)).not.toContain(filed.id);
  });

  test("a travel pop-up: the officer records the report and the letter, approves, and the cause clears once the second negative 24 hours after the first is in", async () => {
    const p = person();
    const officer = officerOf(graph, p.community);
    const causeId = await causeFor(p, "POPUP_TRAVEL", 50);
    const first = await negativeTube(p, new Date(Date.now() - 48 * HOUR));
    const filed = ok(await graph.query(SUBMIT, {
      i: { causeId, reasonCode: "LOW_RISK_TRIP", reason: "My train only passed through a low-risk area.", evidence: [{ kind: "NEGATIVE_RESULT", reference: first }] },
    }, residentOf(p)), "submitAppeal");
    expect(filed.evidence).toEqual([{ kind: "NEGATIVE_RESULT", reference: first }]);

    expect(ok(await graph.query(ASSIGN, { id: filed.id }, officer), "assignAppeal")).toMatchObject({ status: "UNDER_REVIEW", assigned: true });
    expect(ok(await graph.query(REPORT, { i: { id: filed.id, reference: "jxxz-2201" } }, officer), "recordCommunityReport")).toMatchObject({ communityReportRecorded: true, status: "UNDER_REVIEW" });
    await waitFor("the report as health-code's clearing step", async () => (await hc(`SELECT 1 FROM clearing_step WHERE cause_id = $1 AND step = 'COMMUNITY_REPORT'`, [causeId])).length > 0);
    const letter = ok(await graph.query(LETTER, { i: { id: filed.id, reference: "letter-2201" } }, officer), "recordCommitmentLetter");
    expect(letter.commitmentLetterRecorded).toBe(true);
    // A retried step records nothing more.
    const transitions = letter.history.length;
    expect(ok(await graph.query(LETTER, { i: { id: filed.id, reference: "letter-2201" } }, officer), "recordCommitmentLetter").history).toHaveLength(transitions);
    await waitFor("the letter as health-code's clearing step", async () => (await hc(`SELECT 1 FROM clearing_step WHERE cause_id = $1 AND step = 'COMMITMENT_LETTER'`, [causeId])).length > 0);

    // Approved with one negative: stored and announced, but health-code's rule is not met, so the cause stays.
    expect(ok(await graph.query(DECIDE, { i: { id: filed.id, approve: true } }, officer), "decideAppeal").status).toBe("APPROVED");
    await waitFor("the approval as health-code's step", async () => (await hc(`SELECT 1 FROM clearing_step WHERE cause_id = $1 AND step = 'APPEAL_APPROVED'`, [causeId])).length > 0);
    let view = await myView(p);
    expect(view.healthCode.colour).toBe("POPUP");
    const mine = view.appeals.find((a: { id: string }) => a.id === filed.id);
    expect(mine.status).toBe("APPROVED");
    expect(mine.cause.progress).toMatchObject({ satisfied: false, stepsMissing: [] });
    expect(mine.cause.progress.text).toMatch(/^1 of 2 negative tests/);
    expect(mine.missing[0]).toMatch(/clears once its rule is met/);

    // A negative 23 hours after the first does not count; one 25 hours after does, and the cause clears.
    await negativeTube(p, new Date(Date.now() - 25 * HOUR));
    expect((await myView(p)).healthCode.colour).toBe("POPUP");
    await negativeTube(p, new Date(Date.now() - 23 * HOUR));
    await waitFor("the travel pop-up to clear", async () => (await myView(p)).healthCode.colour === "GREEN");
    const [row] = await hc<{ cleared_reason: string; cleared_by_role: string }>(`SELECT cleared_reason, cleared_by_role FROM status_cause WHERE id = $1`, [causeId]);
    expect(row).toEqual({ cleared_reason: "appeal approved", cleared_by_role: "COMMUNITY_OFFICER" });
    view = await myView(p);
    expect(view.appeals.find((a: { id: string }) => a.id === filed.id).status).toBe("APPROVED");
  });

  test("a rejected appeal: evidence requested and added, rejection needs a reason the resident sees, and nothing moves afterwards", async () => {
    const p = person();
    const officer = officerOf(graph, p.community);
    const causeId = await causeFor(p, "POPUP_RISK_POINT");
    const filed = ok(await graph.query(SUBMIT, { i: { causeId, reasonCode: "NEVER_AT_RISK_POINT", reason: "I was never at that market." } }, residentOf(p)), "submitAppeal");
    const asked = ok(await graph.query(REQUEST, { i: { id: filed.id, request: "Send your itinerary card screenshot for 20 January." } }, officer), "requestAppealEvidence");
    expect(asked).toMatchObject({ status: "EVIDENCE_REQUESTED", evidenceRequest: "Send your itinerary card screenshot for 20 January." });
    expect((await myView(p)).appeals.find((a: { id: string }) => a.id === filed.id).missing[0]).toMatch(/evidence your community officer asked for/);
    // Approving while the appellant owes evidence is out of order.
    refused(await graph.query(DECIDE, { i: { id: filed.id, approve: true } }, officer), "CONFLICT", "TRANSITION_NOT_ALLOWED");
    const trip = await declaredTrip(p);
    const added = ok(await graph.query(ADD, { i: { id: filed.id, evidence: [{ kind: "TRIP_DECLARATION", reference: trip }], attachments: [{ ...screenshot, fileName: "itinerary.jpg", mediaType: "image/jpeg" }] } }, residentOf(p)), "addAppealEvidence");
    expect(added.status).toBe("UNDER_REVIEW");
    expect(added.attachments).toHaveLength(1);

    const before = await written();
    refused(await graph.query(DECIDE, { i: { id: filed.id, approve: false } }, officer), "BAD_USER_INPUT");
    expect(await written()).toBe(before);
    const rejected = ok(await graph.query(DECIDE, { i: { id: filed.id, approve: false, note: "The card shows a stop in the risk area on 20 January." } }, officer), "decideAppeal");
    expect(rejected).toMatchObject({ status: "REJECTED", decisionNote: "The card shows a stop in the risk area on 20 January." });
    expect(rejected.history.map((h: { action: string }) => h.action)).toEqual(["SUBMIT", "REQUEST_EVIDENCE", "ADD_EVIDENCE", "REJECT"]);
    const mine = (await myView(p)).appeals.find((a: { id: string }) => a.id === filed.id);
    expect(mine).toMatchObject({ status: "REJECTED", decisionNote: "The card shows a stop in the risk area on 20 January.", missing: [] });

    // Out of order after the decision: CONFLICT, nothing written. Re-sending the same decision is a no-op.
    const after = await written();
    refused(await graph.query(DECIDE, { i: { id: filed.id, approve: true } }, officer), "CONFLICT", "TRANSITION_NOT_ALLOWED");
    refused(await graph.query(LETTER, { i: { id: filed.id, reference: "late-letter" } }, officer), "CONFLICT", "TRANSITION_NOT_ALLOWED");
    refused(await graph.query(ASSIGN, { id: filed.id }, officer), "CONFLICT", "TRANSITION_NOT_ALLOWED");
    refused(await graph.query(ADD, { i: { id: filed.id, evidence: [{ kind: "OTHER", reference: "more" }] } }, residentOf(p)), "CONFLICT", "TRANSITION_NOT_ALLOWED");
    expect(ok(await graph.query(DECIDE, { i: { id: filed.id, approve: false, note: "The card shows a stop in the risk area on 20 January." } }, officer), "decideAppeal").status).toBe("REJECTED");
    expect(await written()).toBe(after);
    expect((await hc<{ c: Date | null }>(`SELECT cleared_at AS c FROM status_cause WHERE id = $1`, [causeId]))[0]!.c).toBeNull();
    // The pop-up is still open, so the resident may appeal again with new grounds.
    expect(ok(await graph.query(SUBMIT, { i: { causeId, reason: "New grounds: the card was wrong, here is my employer's letter." } }, residentOf(p)), "submitAppeal").status).toBe("SUBMITTED");
  });

  test("an appeal open past the SLA is first in the queue, flagged overdue, escalated once to the district's officers, and counted in the figures", async () => {
    const p = person();
    const fresh = person();
    const causeId = await causeFor(p, "POPUP_RISK_POINT");
    const overdue = ok(await graph.query(SUBMIT, { i: { causeId, reason: "Nobody has called me back." } }, residentOf(p)), "submitAppeal");
    // Filed 11 hours ago (the appeal's own row, as if filed then).
    await ap(`UPDATE appeal SET submitted_at = submitted_at - interval '11 hours' WHERE id = $1`, [overdue.id]);
    const officer = officerOf(graph, p.community);
    let recent: string | undefined;
    if (fresh.community === p.community) {
      const freshCause = await causeFor(fresh, "POPUP_RISK_POINT");
      recent = ok(await graph.query(SUBMIT, { i: { causeId: freshCause, reason: "Filed just now." } }, residentOf(fresh)), "submitAppeal").id;
    }
    const queue = ok<Array<{ id: string; overdue: boolean }>>(await graph.query(`{ appealsToReview { id overdue } }`, {}, officer), "appealsToReview");
    expect(queue[0]).toEqual({ id: overdue.id, overdue: true });
    if (recent) expect(queue.find((a) => a.id === recent)).toEqual({ id: recent, overdue: false });

    const escalated = await escalateOverdue(graph.databases.appeals.sql, new Date(), 10);
    expect(escalated).toContain(overdue.id);
    if (recent) expect(escalated).not.toContain(recent);
    expect(await escalateOverdue(graph.databases.appeals.sql, new Date(), 10)).not.toContain(overdue.id);

    const district = graph.city.residents.find((r) => r.personId === p.personId)!.district;
    const districtOfficer: Viewer = { ...officerOf(graph, "district office"), scopes: [`district:${district}`] };
    const list = ok<Array<{ id: string; overdue: boolean; escalatedAt: string | null; history: Array<{ action: string; actorRole: string }> }>>(
      await graph.query(`{ escalatedAppeals { id overdue escalatedAt history { action actorRole } } }`, {}, districtOfficer), "escalatedAppeals");
    const mine = list.find((a) => a.id === overdue.id)!;
    expect(mine.overdue).toBe(true);
    expect(mine.escalatedAt).not.toBeNull();
    expect(mine.history.filter((h) => h.action === "ESCALATE")).toEqual([{ action: "ESCALATE", actorRole: "SYSTEM" }]);
    refused(await graph.query(`{ escalatedAppeals { id } }`, {}, officer), "FORBIDDEN");
    // Escalated, the district officer may take it; a district officer of another district may not.
    expect(ok(await graph.query(ASSIGN, { id: overdue.id }, districtOfficer), "assignAppeal").status).toBe("UNDER_REVIEW");
    const elsewhere = graph.city.residents.find((r) => r.district !== district)?.district ?? "no such district";
    refused(await graph.query(REQUEST, { i: { id: overdue.id, request: "more" } }, { ...districtOfficer, scopes: [`district:${elsewhere}`] }), "FORBIDDEN");

    const figures = ok<Array<{ community: string; district: string; open: number; overdue: number }>>(
      await graph.query(`{ appealFigures { community district open overdue decided medianHoursToDecision } }`, {}, districtOfficer), "appealFigures");
    expect(figures.every((f) => f.district === district)).toBe(true);
    expect(figures.find((f) => f.community === p.community)!.overdue).toBeGreaterThanOrEqual(1);
    refused(await graph.query(`{ appealFigures { community } }`, {}, officer), "FORBIDDEN");
    // Oversight: every community, under a pseudonym; no community's name.
    const audit = await graph.query(`{ appealFigures { community district open overdue decided medianHoursToDecision } }`, {}, { role: "AUDITOR" });
    const rows = ok<Array<{ community: string; open: number; decided: number; medianHoursToDecision: number | null }>>(audit, "appealFigures");
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.community).toMatch(/^c_[A-Za-z0-9_-]{12}$/);
    const names = new Set(graph.city.residents.map((r) => r.community));
    const body = JSON.stringify(audit.body);
    for (const name of names) expect(body).not.toContain(`"${name}"`);
    expect(rows.some((r) => r.decided > 0 && r.medianHoursToDecision !== null && r.medianHoursToDecision >= 0)).toBe(true);
  });

  test("an officer of another community cannot read, take, record or decide the appeal; nothing changes", async () => {
    const p = person();
    const causeId = await causeFor(p, "POPUP_TRAVEL");
    const filed = ok(await graph.query(SUBMIT, { i: { causeId, reason: "Wrong trip record." } }, residentOf(p)), "submitAppeal");
    const other = graph.city.residents.find((r) => r.community !== p.community)!.community;
    const stranger = officerOf(graph, other);
    const before = await written();
    refused(await graph.query(`query($id: ID!) { appeal(id: $id) { id reason } }`, { id: filed.id }, stranger), "FORBIDDEN");
    for (const [q, v] of [
      [ASSIGN, { id: filed.id }],
      [REQUEST, { i: { id: filed.id, request: "more" } }],
      [REPORT, { i: { id: filed.id, reference: "r" } }],
      [LETTER, { i: { id: filed.id, reference: "l" } }],
      [DECIDE, { i: { id: filed.id, approve: true } }],
    ] as const) refused(await graph.query(q, v, stranger), "FORBIDDEN");
    expect(await written()).toBe(before);
    expect((await ap<{ status: string }>(`SELECT status::text FROM appeal WHERE id = $1`, [filed.id]))[0]!.status).toBe("SUBMITTED");
    expect(await hc(`SELECT 1 FROM clearing_step WHERE cause_id = $1`, [causeId])).toHaveLength(0);

    // The appeal's own officer sees the appellant's name and phone in full, the ID number masked, and the read is audited.
    const own = officerOf(graph, p.community);
    const queue = ok<Array<{ id: string; person: { name: string; phone: string; documentNumber: string } }>>(
      await graph.query(`{ appealsToReview { id person { name phone documentNumber } } }`, {}, own), "appealsToReview");
    expect(queue.find((a) => a.id === filed.id)!.person).toEqual({ name: p.name, phone: p.phone, documentNumber: maskIdNumber(p.idNumber) });
    const audited = await hc<{ fields: string[] }>(`SELECT fields FROM disclosure_audit WHERE person_id = $1 AND role = 'COMMUNITY_OFFICER' AND viewer_id = $2`, [p.personId, own.subject]);
    expect(audited.flatMap((r) => r.fields)).toEqual(expect.arrayContaining(["Person.name", "Person.phone"]));
  });

  test("a guardian files for a verified ward; a guardian without a binding to that ward is refused", async () => {
    const binding = graph.city.bindings.find((b) => b.faceVerified)!;
    const ward = graph.city.residents.find((r) => r.personId === binding.wardId)!;
    const guardian: Viewer = { role: "GUARDIAN", subject: binding.guardianId };
    await waitFor("the binding in the appeals replica", async () => (await ap(`SELECT 1 FROM ward_replica WHERE guardian_id = $1 AND ward_id = $2 AND active`, [binding.guardianId, binding.wardId])).length > 0);
    const open = await hc<{ id: string }>(`SELECT id FROM status_cause WHERE person_id = $1 AND cleared_at IS NULL`, [ward.personId]);
    const causeId = open[0]?.id ?? (await causeFor(ward, "POPUP_TRAVEL"));
    await waitFor("the ward's cause in the appeals replica", async () => (await ap(`SELECT 1 FROM cause_replica c JOIN cause_replica_person p USING (person_id) WHERE c.cause_id = $1 AND c.open AND p.community IS NOT NULL`, [causeId])).length > 0);

    const before = await written();
    const intruder: Viewer = { role: "GUARDIAN", subject: people.at(-1)!.personId };
    refused(await graph.query(SUBMIT, { i: { causeId, wardId: ward.personId, reason: "Not my ward, but let me try." } }, intruder), "FORBIDDEN", "NOT_YOUR_WARD");
    refused(await graph.query(SUBMIT, { i: { causeId, reason: "Forgot the ward." } }, guardian), "BAD_USER_INPUT");
    // A resident cannot appeal a ward's cause as their own.
    refused(await graph.query(SUBMIT, { i: { causeId, reason: "As myself." } }, residentOf(graph.city.residents.find((r) => r.personId === binding.guardianId)!)), "NOT_FOUND");
    expect(await written()).toBe(before);

    // The guardian reads back status fields only: their policy row shows a ward's identity masked and status, no free text or phone.
    const filed = ok(await graph.query(`mutation($i: SubmitAppealInput!) { submitAppeal(input: $i) { id status filedByGuardian } }`,
      { i: { causeId, wardId: ward.personId, reason: "My father was at home all week.", contactPhone: "13700001111" } }, guardian), "submitAppeal");
    expect(filed).toMatchObject({ status: "SUBMITTED", filedByGuardian: true });
    const [row] = await ap<{ person_id: string; filed_by: string; community: string }>(`SELECT person_id, filed_by, community FROM appeal WHERE id = $1`, [filed.id]);
    expect(row).toEqual({ person_id: ward.personId, filed_by: binding.guardianId, community: ward.community });
    const read = ok(await graph.query(`query($id: ID!) { appeal(id: $id) { id status filedByGuardian missing } }`, { id: filed.id }, guardian), "appeal");
    expect(read).toMatchObject({ id: filed.id, status: "SUBMITTED", filedByGuardian: true });
    // The ward's community officer sees it in the queue.
    const queue = ok<Array<{ id: string }>>(await graph.query(`{ appealsToReview { id } }`, {}, officerOf(graph, ward.community)), "appealsToReview");
    expect(queue.map((a) => a.id)).toContain(filed.id);
  });

  test("bad input is refused with a stable code and writes nothing", async () => {
    const p = person();
    const other = person();
    const causeId = await causeFor(p, "POPUP_TRAVEL");
    const theirs = await negativeTube(other, new Date(Date.now() - HOUR));
    const positive = await negativeTube(p, new Date(Date.now() - 2 * HOUR), "POSITIVE");
    const theirTrip = await declaredTrip(other);
    const before = await written();
    const submit = (i: Record<string, unknown>, v: Viewer = residentOf(p)) => graph.query(SUBMIT, { i: { causeId, reason: "Wrong pop-up.", ...i } }, v);

    // Someone else's cause, and a cause that does not exist.
    refused(await submit({}, residentOf(other)), "NOT_FOUND");
    refused(await submit({ causeId: "no-such-cause" }), "NOT_FOUND");
    // Evidence that does not exist, that is someone else's, or that is not negative.
    refused(await submit({ evidence: [{ kind: "NEGATIVE_RESULT", reference: "no-such-tube" }] }), "NOT_FOUND", "EVIDENCE_NOT_FOUND");
    refused(await submit({ evidence: [{ kind: "NEGATIVE_RESULT", reference: theirs }] }), "NOT_FOUND", "EVIDENCE_NOT_FOUND");
    refused(await submit({ evidence: [{ kind: "NEGATIVE_RESULT", reference: positive }] }), "BAD_USER_INPUT", "EVIDENCE_NOT_NEGATIVE");
    refused(await submit({ evidence: [{ kind: "TRIP_DECLARATION", reference: theirTrip }] }), "NOT_FOUND", "EVIDENCE_NOT_FOUND");
    refused(await submit({ evidence: [{ kind: "TRIP_DECLARATION", reference: "00000000-0000-4000-8000-000000000000" }] }), "NOT_FOUND", "EVIDENCE_NOT_FOUND");
    // Attachments and phone.
    refused(await submit({ attachments: [{ ...screenshot, sha256: "not-a-hash" }] }), "BAD_USER_INPUT");
    refused(await submit({ attachments: [{ ...screenshot, mediaType: "application/x-msdownload" }] }), "BAD_USER_INPUT");
    refused(await submit({ contactPhone: "12345" }), "BAD_USER_INPUT");
    refused(await submit({ reason: "   " }), "BAD_USER_INPUT");
    // The community is the record's, never the appellant's choice.
    refused(await submit({ community: graph.city.residents.find((r) => r.community !== p.community)!.community }), "BAD_USER_INPUT");
    expect(await written()).toBe(before);

    // One open appeal per cause: a retry returns it, a different second appeal is CONFLICT.
    const first = ok(await submit({ reasonCode: "LOW_RISK_TRIP" }), "submitAppeal");
    const afterFirst = await written();
    expect(ok(await submit({ reasonCode: "LOW_RISK_TRIP" }), "submitAppeal").id).toBe(first.id);
    refused(await submit({ reasonCode: "OTHER", reason: "A second appeal on the same pop-up." }), "CONFLICT", "APPEAL_ALREADY_OPEN");
    // A transition out of order, and an unknown appeal.
    const officer = officerOf(graph, p.community);
    refused(await graph.query(ADD, { i: { id: first.id } }, residentOf(p)), "BAD_USER_INPUT");
    refused(await graph.query(ADD, { i: { id: first.id, evidence: [{ kind: "OTHER", reference: "x" }] } }, residentOf(other)), "NOT_FOUND");
    refused(await graph.query(ASSIGN, { id: "00000000-0000-4000-8000-000000000000" }, officer), "NOT_FOUND");
    expect(await written()).toBe(afterFirst);
    ok(await graph.query(DECIDE, { i: { id: first.id, approve: false, note: "No grounds given." } }, officer), "decideAppeal");
    const decided = await written();
    refused(await graph.query(REQUEST, { i: { id: first.id, request: "too late" } }, officer), "CONFLICT", "TRANSITION_NOT_ALLOWED");
    expect(await written()).toBe(decided);
  });
});
