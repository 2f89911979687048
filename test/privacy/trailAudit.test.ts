// Reads of another person's movements and health are audited (issue 10, deliverable 4): an
// auditor's or an epidemiologist's look at someone's check-ins, an officer's list of a register's
// visitors, and anyone's read of another person's status colour, history or vaccinations each
// leave a record in the owning silo's disclosure log even when no name is selected; a person's
// own reads do not. Auditors read the logs with the persons under their own audience's ids.
import { DEMO_CASE } from "../../kernel/privacy/cases";
import type { Viewer } from "../../kernel/auth/viewer";
import { startTestGraph, type TestGraph } from "../support/graph";
import { MODES } from "../support/services";
import { idFor } from "../support/entityIds";

const TRAIL = `query($id: ID!) { person(id: $id) { checkIns { checkedInAt venue { name } } } }`;

describe.each(MODES)("movement reads are audited (%s mode)", (mode) => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph(mode, 40);
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const rows = (personId: string) =>
    graph.databases.venues.sql.query<{ role: string; purpose: string | null; fields: string[] }>(
      `SELECT role, purpose, fields FROM disclosure_audit WHERE person_id = $1 ORDER BY at`, [personId]);

  test("an auditor's and an epidemiologist's look at a trail are entered; the person's own is not", async () => {
    const visitor = graph.city.residents.find((r) => graph.city.checkIns.some((c) => c.personId === r.personId))!;
    const auditor: Viewer = { role: "AUDITOR", subject: graph.city.residents.find((r) => r.personId !== visitor.personId)!.personId };
    const epi: Viewer = { role: "EPIDEMIOLOGIST", subject: auditor.subject, purpose: DEMO_CASE };

    const own = await graph.query(`{ me { checkIns { checkedInAt } } }`, {}, { role: "RESIDENT", subject: visitor.personId });
    expect(own.body.data.me.checkIns.length).toBeGreaterThan(0);
    expect(await rows(visitor.personId)).toEqual([]);

    const a = await graph.query(TRAIL, { id: idFor(graph, auditor, "Person", visitor.personId) }, auditor);
    expect(a.body.errors).toBeUndefined();
    expect(a.body.data.person.checkIns.length).toBeGreaterThan(0);
    const e = await graph.query(TRAIL, { id: visitor.personId }, epi);
    expect(e.body.errors).toBeUndefined();
    expect((await rows(visitor.personId)).map((r) => [r.role, r.purpose, r.fields])).toEqual([
      ["AUDITOR", null, ["Person.checkIns:PSEUDONYM"]],
      ["EPIDEMIOLOGIST", DEMO_CASE, ["Person.checkIns"]],
    ]);

    // The auditor reads venues' log with the person under the auditor's own id for them.
    const log = await graph.query(`{ disclosureAudit { venues(last: 1000) { personId fields } } }`, {}, auditor);
    expect(log.body.errors).toBeUndefined();
    const ids = log.body.data.disclosureAudit.venues.map((r: { personId: string }) => r.personId);
    expect(ids).toContain(idFor(graph, auditor, "Person", visitor.personId));
    expect(ids).not.toContain(visitor.personId);
  });

  test("another person's status, history and vaccinations are entered in health-code's log (a registrar's colour at check-in too); one's own are not", async () => {
    const hcRows = (personId: string) =>
      graph.databases["health-code"].sql.query<{ role: string; fields: string[] }>(`SELECT role, fields FROM disclosure_audit WHERE person_id = $1 ORDER BY at`, [personId]);
    const target = graph.city.residents[13]!;
    const own = await graph.query(`{ me { healthCode { colour } statusHistory { to } vaccinations { vaccine } } }`, {}, { role: "RESIDENT", subject: target.personId });
    expect(own.body.errors).toBeUndefined();
    expect(await hcRows(target.personId)).toEqual([]);
    const auditor: Viewer = { role: "AUDITOR", subject: graph.city.residents[14]!.personId };
    const read = await graph.query(`query($id: ID!) { person(id: $id) { healthCode { colour } statusHistory { to } vaccinations { vaccine } } }`, { id: idFor(graph, auditor, "Person", target.personId) }, auditor);
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data.person.healthCode.colour).toBeTruthy();
    // (The colour is resolved in a fetch of its own, after testing's input: one row per subgraph request.)
    const entered = await hcRows(target.personId);
    expect(new Set(entered.map((r) => r.role))).toEqual(new Set(["AUDITOR"]));
    expect(entered.flatMap((r) => r.fields).sort()).toEqual(["Person.healthCode:PSEUDONYM", "Person.statusHistory:PSEUDONYM", "Person.vaccinations:PSEUDONYM"]);
    // A registrar's check-in answer carries the visitor's colour: that read is entered too.
    const register = graph.city.registers[1]!;
    const code = (await graph.query(`{ myRegisters { id code } }`, {}, { role: "REGISTRAR", subject: register.registrarId })).body.data.myRegisters.find((r: { id: string }) => r.id === register.id).code;
    const visitor = graph.city.residents[15]!;
    const issued = await graph.query(`mutation { issueTestingCode { payload } }`, {}, { role: "RESIDENT", subject: visitor.personId });
    const scanned = await graph.query(`mutation($r: ID!, $c: String!) { checkInByTestingCode(registerId: $r, testingCode: $c) { colour } }`, { r: register.id, c: issued.body.data.issueTestingCode.payload }, { role: "REGISTRAR", subject: register.registrarId });
    expect(scanned.body.errors).toBeUndefined();
    expect(scanned.body.data.checkInByTestingCode.colour).toBeTruthy();
    expect((await hcRows(visitor.personId)).map((r) => [r.role, r.fields])).toContainEqual(["REGISTRAR", ["Person.healthCode:PSEUDONYM"]]);
    expect(code).toBeTruthy();
  });

  test("an officer's list of a register's visitors enters each visitor", async () => {
    const register = graph.city.registers.find((r) => graph.city.checkIns.some((c) => c.registerId === r.id))!;
    const venue = graph.city.venues.find((v) => v.id === register.venueId)!;
    const visitors = new Set(graph.city.checkIns.filter((c) => c.registerId === register.id).map((c) => c.personId));
    const officer: Viewer = { role: "COMMUNITY_OFFICER", subject: graph.city.residents[0]!.personId, community: venue.community };
    const res = await graph.query(`query($id: ID!) { venue(id: $id) { registers { id checkIns(last: 200) { checkedInAt } } } }`, { id: venue.id }, officer);
    expect(res.body.errors).toBeUndefined();
    const listed = res.body.data.venue.registers.find((r: { id: string }) => r.id === register.id).checkIns;
    expect(listed.length).toBeGreaterThan(0);
    const entered = await graph.databases.venues.sql.query<{ person_id: string }>(
      `SELECT person_id FROM disclosure_audit WHERE role = 'COMMUNITY_OFFICER' AND 'Register.checkIns' = ANY(fields)`);
    for (const v of visitors) if (v !== officer.subject) expect(entered.map((r) => r.person_id)).toContain(v);
  });

  test("another person's tests are entered in testing's log (pseudonymous for an auditor, with the case for an epidemiologist); one's own are not", async () => {
    const tested = graph.city.residents.find((r) => graph.city.swabs.some((s) => s.personId === r.personId))!;
    const other = graph.city.residents.find((r) => r.personId !== tested.personId)!;
    const auditor: Viewer = { role: "AUDITOR", subject: other.personId };
    const epi: Viewer = { role: "EPIDEMIOLOGIST", subject: other.personId, purpose: DEMO_CASE };
    const testingRows = () =>
      graph.databases.testing.sql.query<{ role: string; purpose: string | null; fields: string[] }>(`SELECT role, purpose, fields FROM disclosure_audit WHERE person_id = $1 ORDER BY at`, [tested.personId]);

    const own = await graph.query(`{ me { tests { status } latestTest { status } negativeTest { valid } } }`, {}, { role: "RESIDENT", subject: tested.personId });
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data.me.tests.length).toBeGreaterThan(0);
    expect(await testingRows()).toEqual([]);

    const TESTS = `query($id: ID!) { person(id: $id) { tests { status } latestTest { status } } }`;
    const a = await graph.query(TESTS, { id: idFor(graph, auditor, "Person", tested.personId) }, auditor);
    expect(a.body.errors).toBeUndefined();
    expect(a.body.data.person.tests.length).toBeGreaterThan(0);
    const e = await graph.query(TESTS, { id: tested.personId }, epi);
    expect(e.body.errors).toBeUndefined();
    const rows = (await testingRows()).map((r) => [r.role, r.purpose, [...r.fields].sort()]);
    expect(rows).toEqual([
      ["AUDITOR", null, ["Person.latestTest:PSEUDONYM", "Person.tests:PSEUDONYM"]],
      ["EPIDEMIOLOGIST", DEMO_CASE, ["Person.latestTest", "Person.tests"]],
    ]);
  });
});
