// Auditors cannot re-identify through ids: every id an auditor is given for a person (or for a
// swab, check-in, appeal or cause of one) matches no id any other role can obtain, ids of other
// roles find nothing for an auditor, and federation joins still work inside the auditor's
// audience (the same person has one id across silos and in the audit log). Both run modes.
import { DEMO_CASE } from "../../kernel/privacy/cases";
import type { Viewer } from "../../kernel/auth/viewer";
import { MODES } from "../support/services";
import { startTestGraph, type GraphResponse, type TestGraph } from "../support/graph";
import { bindStaffEverywhere } from "../support/staff";
import { waitFor } from "../events/helpers/wait";
import { idFor } from "../support/entityIds";
import { codeOf } from "../venues/helpers";

/** The string leaves of a value. */
function leaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) leaves(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) leaves(v, out);
  return out;
}

/** Values under keys named like ids (`id`, `personId`, `viewerId`, `causeId`) anywhere in a response. */
function ids(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) ids(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (/^(id|personId|viewerId|causeId)$/.test(k) && typeof v === "string") out.add(v);
      else ids(v, out);
    }
  }
  return out;
}

const PERSON_IDS = `id healthCode { causes { id } } tests { swab { id } } checkIns { id } appeals { id cause { id } }`;

describe.each(MODES)("auditors' ids (%s mode)", (mode) => {
  let graph: TestGraph;
  let target: { personId: string; tubeCode: string; siteId: string; venueId: string; community: string };
  const responses = new Map<string, GraphResponse[]>();

  beforeAll(async () => {
    graph = await startTestGraph(mode, 40);
    // Staff bindings are enforced: the residents who act as sampler and lab below are bound.
    await bindStaffEverywhere(graph, graph.city.residents.map((r) => r.personId));
    // A person with a cause, a swab and a check-in, who appeals: every kind of id exists for them.
    const hc = graph.databases["health-code"].sql;
    const causes = await hc.query<{ id: string; person_id: string }>(`SELECT id, person_id FROM status_cause WHERE cleared_at IS NULL`);
    const person = graph.city.residents.find((r) => r.personId === causes[0]!.person_id)!;
    // Demo swabs and causes rarely meet in one person: swab the target into a tube with a swab in it.
    const [tube] = await graph.databases.testing.sql.query<{ id: string; code: string; site_id: string }>(`SELECT t.id, t.code, b.site_id FROM sample_tube t JOIN transport_box b ON b.id = t.box_id WHERE EXISTS (SELECT 1 FROM swab s WHERE s.tube_id = t.id) ORDER BY t.code LIMIT 1`);
    await graph.databases.testing.sql.query(`INSERT INTO swab (id, tube_id, person_id, document_type, document_masked) VALUES (gen_random_uuid(), $1, $2, 'CITIZEN_ID', '11**34')`, [tube!.id, person.personId]);
    const register = graph.city.registers[0]!;
    const visit = await graph.query(`mutation { checkIn(registerCode: "${await codeOf(graph, register)}") { id } }`, {}, { role: "RESIDENT", subject: person.personId });
    expect(visit.body.errors).toBeUndefined();
    target = { personId: person.personId, tubeCode: tube!.code, siteId: tube!.site_id, venueId: register.venueId, community: person.community };
    const cause = causes.find((c) => c.person_id === person.personId)!;
    await waitFor("the cause in the appeals replica", async () => (await graph.databases.appeals.sql.query(`SELECT 1 FROM cause_replica_person WHERE person_id = $1 AND community IS NOT NULL`, [person.personId])).length > 0);
    const appeal = await graph.query(`mutation($i: SubmitAppealInput!) { submitAppeal(input: $i) { id } }`, { i: { causeId: cause.id, reason: "wrong pop-up" } }, { role: "RESIDENT", subject: person.personId });
    expect(appeal.body.errors).toBeUndefined();
    // A full view, so the audit log has a record of the target.
    await graph.query(`query { person(id: "${person.personId}") { name } }`, {}, { role: "COMMUNITY_OFFICER", subject: graph.city.residents.find((r) => r.personId !== person.personId)!.personId, community: person.community });
  }, 180_000);
  afterAll(async () => {
    await graph?.stop();
  });

  const others = (): Array<[string, Viewer, string[]]> => {
    const register = graph.city.registers.find((r) => r.venueId === target.venueId)!;
    const site = target.siteId;
    const someone = graph.city.residents.find((r) => r.personId !== target.personId)!.personId;
    const binding = graph.city.bindings.find((b) => b.faceVerified)!;
    const tube = `query { tube(code: "${target.tubeCode}") { swabs { id person { ${PERSON_IDS} } } } }`;
    const person = `query { person(id: "${target.personId}") { ${PERSON_IDS} } }`;
    return [
      ["RESIDENT", { role: "RESIDENT", subject: target.personId }, [`query { me { ${PERSON_IDS} } }`]],
      ["GUARDIAN", { role: "GUARDIAN", subject: binding.guardianId }, [`query { wards { ${PERSON_IDS} } }`]],
      ["REGISTRAR", { role: "REGISTRAR", subject: register.registrarId, venueIds: [register.venueId] }, [`query { myRegisters { checkIns { id person { id } } } }`, `query { venue(id: "${target.venueId}") { registers { checkIns { id person { id } } } } }`]],
      ["SAMPLER", { role: "SAMPLER", subject: someone, siteId: site }, [tube]],
      ["LAB", { role: "LAB", subject: someone, agencyId: graph.city.sites.find((s) => s.id === site)!.agencyId }, [tube]],
      ["COMMUNITY_OFFICER", { role: "COMMUNITY_OFFICER", subject: someone, community: target.community }, [person, `query { appealsToReview { id person { id } cause { id } } }`]],
      ["EPIDEMIOLOGIST", { role: "EPIDEMIOLOGIST", subject: someone, purpose: DEMO_CASE }, [person, tube, `query { venue(id: "${target.venueId}") { registers { checkIns { id person { id } } } } }`]],
      ["APP", { role: "APP", scopes: ["persons:read", "status:read"] }, [person]],
    ];
  };
  const auditor = (): Viewer => ({ role: "AUDITOR", subject: graph.city.residents.find((r) => r.personId !== target.personId)!.personId });

  async function run(label: string, viewer: Viewer, queries: string[]): Promise<Set<string>> {
    const got: GraphResponse[] = [];
    for (const q of queries) got.push(await graph.query(q, {}, viewer));
    responses.set(label, got);
    return ids(got.map((r) => r.body.data));
  }

  it("an auditor's ids match no id any other role can obtain, nor any internal key", async () => {
    const theirs = new Set<string>();
    for (const [label, viewer, queries] of others()) for (const id of await run(label, viewer, queries)) theirs.add(id);
    expect(theirs.size).toBeGreaterThan(5); // the other roles did obtain ids
    const mine = await run("AUDITOR", auditor(), [
      `query { tube(code: "${target.tubeCode}") { swabs { id person { ${PERSON_IDS} } } } }`,
      `query { venue(id: "${target.venueId}") { registers { checkIns { id person { ${PERSON_IDS} } } } } }`,
      `query { disclosureAudit { healthCode(last: 1000) { personId viewerId } testing(last: 1000) { personId viewerId } } }`,
    ]);
    expect(mine.size).toBeGreaterThan(5);
    expect([...mine].filter((id) => theirs.has(id))).toEqual([]);
    const internal = new Set<string>([
      ...graph.city.residents.map((r) => r.personId),
      ...(await graph.databases.testing.sql.query<{ id: string }>(`SELECT id FROM swab`)).map((r) => r.id),
      ...(await graph.databases.venues.sql.query<{ id: string }>(`SELECT id FROM check_in`)).map((r) => r.id),
      ...(await graph.databases.appeals.sql.query<{ id: string }>(`SELECT id FROM appeal`)).map((r) => r.id),
      ...(await graph.databases["health-code"].sql.query<{ id: string }>(`SELECT id FROM status_cause`)).map((r) => r.id),
    ]);
    expect([...mine].filter((id) => internal.has(id))).toEqual([]);
    // Nor does any internal key appear anywhere in the auditor's answers.
    const text = responses.get("AUDITOR")!.map((r) => leaves(r.body)).flat();
    expect(text.filter((s) => internal.has(s))).toEqual([]);
  });

  it("ids other roles obtained find nothing for an auditor", async () => {
    const sampler = others().find(([l]) => l === "SAMPLER")!;
    const swab = await graph.query(`query { tube(code: "${target.tubeCode}") { swabs { person { id } } } }`, {}, sampler[1]);
    const samplersId = swab.body.data.tube.swabs[0].person.id as string;
    const res = await graph.query(`query($id: ID!) { person(id: $id) { name healthCode { colour } checkIns { venue { name } } appeals { reason } } }`, { id: samplersId }, auditor());
    expect(res.body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(res.body.data?.person ?? null).toBeNull();
    const internal = await graph.query(`query($id: ID!) { person(id: $id) { name } }`, { id: target.personId }, auditor());
    expect(internal.body.data?.person ?? null).toBeNull();
  });

  it("joins still work inside the auditor's audience: one id per person across silos and the audit log", async () => {
    const a = auditor();
    const viaTube = await graph.query(`query { tube(code: "${target.tubeCode}") { swabs { person { id name healthCode { colour } checkIns { id } appeals { id } } } } }`, {}, a);
    expect(viaTube.body.errors ?? []).toEqual([]);
    const viaVenue = await graph.query(`query { venue(id: "${target.venueId}") { registers { checkIns { person { id name } } } } }`, {}, a);
    const tubeIds = new Set<string>(viaTube.body.data.tube.swabs.map((s: any) => s.person.id));
    const venueIds = new Set<string>(viaVenue.body.data.venue.registers.flatMap((r: any) => r.checkIns.map((c: any) => c.person.id)));
    const both = [...tubeIds].filter((id) => venueIds.has(id));
    expect(both.length).toBeGreaterThan(0); // the target, reached by two silos, has one id
    const byId = await graph.query(`query($id: ID!) { person(id: $id) { id name } }`, { id: both[0] }, a);
    expect(byId.body.data.person.id).toBe(both[0]);
    expect(byId.body.data.person.name).toMatch(/^anon_/);
    const targetId = idFor(graph, a, "Person", target.personId);
    expect(both).toContain(targetId);
    const audit = await graph.query(`query { disclosureAudit { healthCode(last: 1000) { personId } } }`, {}, a);
    expect(audit.body.data.disclosureAudit.healthCode.map((r: { personId: string }) => r.personId)).toContain(targetId);
  });
});
