// The leak scan: acting as each role (with the scope a real viewer of that role has), run every
// query of the graph, deep, over the seeded demo city through the gateway, and assert that no
// other person's full ID number, full name or full phone number appears anywhere in the answer
// (data, errors or extensions) unless the policy lets that role see it.
import { DEMO_CASE } from "../../kernel/privacy/cases";
import type { Viewer } from "../../kernel/auth/viewer";
import type { DemoResident } from "../../kernel/demo/city";
import { startTestGraph, type GraphResponse, type TestGraph } from "../support/graph";

const IDENTITY = `name documentNumber phone birthDate address disclosures { field disclosure }`;
const PERSON_DEEP = `id ${IDENTITY}
  healthCode { colour label causes { id kind detail } }
  tests { status swab { documentMasked phone person { ${IDENTITY} } tube { code swabs { documentMasked phone person { ${IDENTITY} } } } } }
  latestTest { status swab { documentMasked phone } }
  checkIns { venue { name } register { code checkIns { person { ${IDENTITY} } } } }
  appeals { id reason person { ${IDENTITY} } }`;

/** Every root field of the graph, read as deep as the schema goes toward personal data. */
function operations(g: TestGraph, viewer: Viewer): Array<{ query: string; variables?: Record<string, unknown> }> {
  const others = [g.city.residents[7]!, g.city.residents[12]!, ...g.city.bindings.map((b) => ({ personId: b.wardId }))];
  return [
    { query: `query Me { me { ${PERSON_DEEP} } }` },
    ...others.map((o) => ({ query: `query Person($id: ID!) { person(id: $id) { ${PERSON_DEEP} } }`, variables: { id: o.personId } })),
    { query: `query Wards { wards { ${PERSON_DEEP} } }` },
    { query: `query Counts { statusCounts { colour residents } resultCounts { agency { name } negative } appealCounts { community submitted } }` },
    { query: `query Audit { disclosureAudit { healthCode { personId viewerId purpose fields operation } testing { personId viewerId purpose fields } } }` },
    { query: `query Agencies { agencies { name sites { id name } } }` },
    { query: `query Tube($code: String!) { tube(code: $code) { code box { code } result { outcome } swabs { documentMasked phone disclosures { field disclosure } person { ${PERSON_DEEP} } } } }`, variables: { code: g.city.tubes[0]!.code } },
    { query: `query Venue($id: ID!) { venue(id: $id) { name registers { code checkIns { person { ${PERSON_DEEP} } } } } }`, variables: { id: g.city.venues[0]!.id } },
    { query: `query Registers { myRegisters { code checkIns { checkedInAt person { ${IDENTITY} healthCode { colour } } } } }` },
    { query: `query Review { appealsToReview { id reason person { ${PERSON_DEEP} } } }` },
    ...(viewer.role === "SAMPLER"
      ? [{ query: `mutation Register($input: RegisterSampleInput!) { registerSample(input: $input) { documentMasked phone person { ${IDENTITY} } } }`, variables: { input: { tubeCode: g.city.tubes.find((t) => t.siteId === viewer.siteId)!.code, documentNumber: g.city.residents[20]!.idNumber, phone: g.city.residents[20]!.phone } } }]
      : []),
  ];
}

/** The string leaves of a response. */
function leaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) leaves(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) leaves(v, out);
  return out;
}

/** Whether the policy lets `viewer` see this other resident's full name and phone (never the ID number, except a purposeful epidemiologist). */
function maySeeFull(viewer: Viewer, r: DemoResident): { name: boolean; phone: boolean; id: boolean } {
  if (viewer.subject === r.personId && viewer.role !== "AUDITOR") return { name: true, phone: true, id: true };
  if (viewer.role === "EPIDEMIOLOGIST" && viewer.purpose) return { name: true, phone: true, id: true };
  const officer = viewer.role === "COMMUNITY_OFFICER" && viewer.community === r.community;
  return { name: officer, phone: officer, id: false };
}

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph("embedded", 40);
  // Appeals for the scan to find: two residents with a cause appeal it.
  for (const cause of graph.city.causes.slice(0, 2)) {
    const rows = await graph.databases["health-code"].sql.query<{ id: string; community: string }>(
      `SELECT c.id, r.community FROM status_cause c JOIN resident r ON r.person_id = c.person_id WHERE c.person_id = $1 LIMIT 1`,
      [cause.personId],
    );
    if (rows[0]) {
      await graph.query(`mutation($input: SubmitAppealInput!) { submitAppeal(input: $input) { id } }`, { input: { causeId: rows[0].id, community: rows[0].community, reason: "wrong pop-up" } }, { role: "RESIDENT", subject: cause.personId });
    }
  }
});
afterAll(async () => {
  await graph?.stop();
});

function viewers(g: TestGraph): Array<[string, Viewer]> {
  const resident = g.city.residents[3]!;
  const binding = g.city.bindings.find((b) => b.faceVerified)!;
  const register = g.city.registers[0]!;
  const appellant = g.city.causes[0]!.personId;
  const community = g.city.residents.find((r) => r.personId === appellant)!.community;
  return [
    ["RESIDENT", { role: "RESIDENT", subject: resident.personId }],
    ["GUARDIAN", { role: "GUARDIAN", subject: binding.guardianId }],
    ["REGISTRAR", { role: "REGISTRAR", subject: register.registrarId, venueIds: [register.venueId] }],
    ["SAMPLER", { role: "SAMPLER", subject: g.city.residents[5]!.personId, siteId: g.city.tubes[0]!.siteId }],
    ["LAB", { role: "LAB", subject: g.city.residents[6]!.personId, agencyId: g.city.agencies[0]!.id }],
    ["COMMUNITY_OFFICER", { role: "COMMUNITY_OFFICER", subject: g.city.residents[9]!.personId, community }],
    ["EPIDEMIOLOGIST without a purpose", { role: "EPIDEMIOLOGIST", subject: g.city.residents[10]!.personId }],
    ["EPIDEMIOLOGIST with a purpose", { role: "EPIDEMIOLOGIST", subject: g.city.residents[10]!.personId, purpose: DEMO_CASE }],
    ["AUDITOR", { role: "AUDITOR", subject: g.city.residents[11]!.personId }],
    ["APP", { role: "APP", scopes: ["persons:read", "status:read"] }],
  ];
}

describe("leak scan through the gateway", () => {
  it("runs for every role", () => {
    expect(viewers(graph).map(([, v]) => v.role).sort()).toEqual(expect.arrayContaining(["APP", "AUDITOR", "COMMUNITY_OFFICER", "EPIDEMIOLOGIST", "GUARDIAN", "LAB", "REGISTRAR", "RESIDENT", "SAMPLER"]));
  });

  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])("viewer #%i sees no one's full identity beyond the policy", async (i) => {
    const [label, viewer] = viewers(graph)[i]!;
    const responses: GraphResponse[] = [];
    for (const op of operations(graph, viewer)) responses.push(await graph.query(op.query, op.variables, viewer));
    // The scan must have something to scan: every role gets some data back.
    expect(responses.some((r) => r.body.data && leaves(r.body.data).length > 0)).toBe(true);
    const leaks: string[] = [];
    for (const res of responses) {
      const text = JSON.stringify(res.body);
      const strings = new Set(leaves(res.body));
      for (const r of graph.city.residents) {
        const may = maySeeFull(viewer, r);
        if (!may.id && text.includes(r.idNumber)) leaks.push(`${label}: an ID number`);
        if (!may.phone && text.includes(r.phone)) leaks.push(`${label}: a phone number`);
        if (!may.name && strings.has(r.name)) leaks.push(`${label}: a name`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it("an epidemiologist with a purpose does see full identities (the scan can find them)", async () => {
    const viewer = viewers(graph)[7]![1];
    const target = graph.city.residents[7]!;
    const res = await graph.query(`query { person(id: "${target.personId}") { name documentNumber phone } }`, {}, viewer);
    expect(res.body.data.person).toEqual({ name: target.name, documentNumber: target.idNumber, phone: target.phone });
  });
});
