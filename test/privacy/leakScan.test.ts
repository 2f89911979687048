// The leak scan: acting as each role (with the scope a real viewer of that role has), run every
// query of the graph, deep, over the seeded demo city through the gateway, and assert that no
// other person's full ID number, full name or full phone number appears anywhere in the answer
// (data, errors or extensions) unless the policy lets that role see it. Identifiers are planted
// in every free-text field (appeal reasons, evidence, attachments' names, officers' requests,
// decision notes, cause details, the officer-written evidence references, clearing reasons,
// status-history reasons and register suspension reasons) and in
// purposes, so the scan also proves free text and the audit log carry none beyond the policy.
// Both run modes.
import { DEMO_CASE } from "../../kernel/privacy/cases";
import type { Viewer } from "../../kernel/auth/viewer";
import type { DemoResident } from "../../kernel/demo/city";
import { startTestGraph, type GraphResponse, type TestGraph } from "../support/graph";
import { bindStaffEverywhere } from "../support/staff";
import { DEFAULT_LIMITS } from "../../gateway/limits";
import { MODES } from "../support/services";
import { idFor } from "../support/entityIds";
import { waitFor } from "../events/helpers/wait";

const IDENTITY = `name documentNumber phone birthDate address disclosures { field disclosure }`;
const PERSON_DEEP = `id ${IDENTITY}
  healthCode { colour label causes { id kind detail evidenceRef clearedReason disclosures { field disclosure } } }
  statusHistory { reason change disclosures { field disclosure } }
  tests { status swab { documentMasked phone person { ${IDENTITY} } tube { code swabs { documentMasked phone person { ${IDENTITY} } } } } }
  latestTest { status swab { documentMasked phone } }
  checkIns { venue { name } register { code checkIns { person { ${IDENTITY} } } } }
  appeals { id reason decisionNote contactPhone evidenceRequest evidence { reference disclosures { field disclosure } } attachments { fileName disclosures { field disclosure } } history { action note disclosures { field disclosure } } person { ${IDENTITY} } }`;

/** Every root field of the graph, read as deep as the schema goes toward personal data. */
function operations(g: TestGraph, viewer: Viewer): Array<{ query: string; variables?: Record<string, unknown> }> {
  // The appellants too: their causes, history and appeals carry the planted free text.
  const others = [g.city.residents[7]!, g.city.residents[12]!, ...g.city.bindings.map((b) => ({ personId: b.wardId })), ...appellants.map((personId) => ({ personId }))];
  return [
    { query: `query Me { me { ${PERSON_DEEP} } }` },
    ...others.map((o) => ({ query: `query Person($id: ID!) { person(id: $id) { ${PERSON_DEEP} } }`, variables: { id: idFor(g, viewer, "Person", o.personId) } })),
    { query: `query Wards { wards { ${PERSON_DEEP} } }` },
    { query: `query Counts { statusCounts { colour residents } resultCounts { agency { name } negative } appealCounts { community submitted } }` },
    { query: `query Audit { disclosureAudit { healthCode { personId viewerId purpose fields operation } testing { personId viewerId purpose fields } appeals { personId viewerId purpose fields } venues { personId viewerId purpose fields } sampleLookups { samplerId personId outcome } } }` },
    { query: `query Cases { openCases { reference } }` },
    { query: `query Agencies { agencies { name sites { id name } } }` },
    { query: `query Tube($code: String!) { tube(code: $code) { code box { code } result { outcome } swabs { documentMasked phone disclosures { field disclosure } person { ${PERSON_DEEP} } } } }`, variables: { code: g.city.tubes[0]!.code } },
    { query: `query Venue($id: ID!) { venue(id: $id) { name registers { code suspension { kind reason disclosures { field disclosure } } checkIns { person { ${PERSON_DEEP} } } } } }`, variables: { id: g.city.venues[0]!.id } },
    { query: `query Registers { myRegisters { code checkIns { checkedInAt person { ${IDENTITY} healthCode { colour } } } } }` },
    { query: `query Review { appealsToReview { id reason decisionNote contactPhone evidenceRequest evidence { reference } attachments { fileName } history { note } cause { detail } person { ${PERSON_DEEP} } } }` },
    { query: `query Escalated { escalatedAppeals { id reason contactPhone attachments { fileName } person { ${IDENTITY} } } }` },
    { query: `query Figures { appealFigures { community district open overdue decided medianHoursToDecision } }` },
    ...(viewer.role === "SAMPLER"
      ? [{ query: `mutation Open { openSamplingSession(hours: 1) { id } }` }, { query: `mutation Register($input: RegisterSampleInput!) { registerSample(input: $input) { documentMasked phone person { ${IDENTITY} } } }`, variables: { input: { tubeCode: g.city.tubes.find((t) => t.siteId === viewer.siteId)!.code, documentNumber: g.city.residents[20]!.idNumber, phone: g.city.residents[20]!.phone } } }]
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
  // Only an open case's reference unlocks a full view: a free-text or blank purpose unlocks nothing.
  if (viewer.role === "EPIDEMIOLOGIST" && viewer.purpose === DEMO_CASE) return { name: true, phone: true, id: true };
  const officer = viewer.role === "COMMUNITY_OFFICER" && viewer.community === r.community;
  return { name: officer, phone: officer, id: false };
}

/** A text that names a person the way people write: name, ID number, phone. */
const planted = (r: DemoResident, what: string) => `${what}：${r.name}，身份证 ${r.idNumber}，手机 ${r.phone}`;

/** The appellants (their appeals carry their own identifiers and a household member's). */
let appellants: string[];

async function plant(g: TestGraph): Promise<void> {
  appellants = [];
  const hc = g.databases["health-code"].sql;
  for (const cause of g.city.causes.slice(0, 2)) {
    const owner = g.city.residents.find((r) => r.personId === cause.personId)!;
    // A household member: same community, so the officer who may read the appeal in full may read them too.
    const companion = g.city.residents.find((r) => r.community === owner.community && r.personId !== owner.personId) ?? owner;
    const [row] = await hc.query<{ id: string }>(`SELECT id FROM status_cause WHERE person_id = $1 AND cleared_at IS NULL LIMIT 1`, [owner.personId]);
    if (!row) continue;
    await hc.query(`UPDATE status_cause SET detail = $2, evidence_ref = $3, cleared_reason = $4 WHERE id = $1`, [
      row.id, `${planted(owner, "密接")}；${planted(companion, "同住")}`, planted(companion, "流调报告"), planted(owner, "核酸阴性"),
    ]);
    // The officer-written reason of a status change, the person's newest.
    await hc.query(
      `INSERT INTO status_change (id, person_id, at, from_colour, to_colour, change, reason, actor_role) VALUES (gen_random_uuid(), $1, now() + interval '1 minute', 'RED', 'GREEN', 'CLEARED', $2, 'COMMUNITY_OFFICER')`,
      [owner.personId, `${planted(owner, "解除")}；${planted(companion, "同住")}`],
    );
    await waitFor("the appellant's community in the appeals replica", async () => (await g.databases.appeals.sql.query(`SELECT 1 FROM cause_replica_person WHERE person_id = $1 AND community IS NOT NULL`, [owner.personId])).length > 0);
    const submitted = await g.query(`mutation($input: SubmitAppealInput!) { submitAppeal(input: $input) { id } }`, {
      input: {
        causeId: row.id, reason: `${planted(owner, "不是我")}；${planted(companion, "同住人")}`, evidence: [{ kind: "OTHER", reference: planted(companion, "证明人") }],
        contactPhone: owner.phone, attachments: [{ fileName: `${planted(companion, "证明")}.pdf`, mediaType: "application/pdf", sizeBytes: 2048, sha256: "b".repeat(64) }],
      },
    }, { role: "RESIDENT", subject: owner.personId });
    expect(submitted.body.errors).toBeUndefined();
    appellants.push(owner.personId);
    if (appellants.length === 1) {
      const officer = g.city.residents.find((r) => r.personId !== owner.personId && r.personId !== companion.personId)!;
      const asked = await g.query(`mutation($i: RequestAppealEvidenceInput!) { requestAppealEvidence(input: $i) { id } }`, { i: { id: submitted.body.data.submitAppeal.id, request: planted(owner, "请补充") } }, { role: "COMMUNITY_OFFICER", subject: officer.personId, community: owner.community });
      expect(asked.body.errors).toBeUndefined();
      const decided = await g.query(`mutation($i: DecideAppealInput!) { decideAppeal(input: $i) { id } }`, { i: { id: submitted.body.data.submitAppeal.id, approve: false, note: planted(owner, "电话核实") } }, { role: "COMMUNITY_OFFICER", subject: officer.personId, community: owner.community });
      expect(decided.body.errors).toBeUndefined();
    }
  }
  expect(appellants.length).toBeGreaterThan(0);

  // An officer suspends a register of the scanned venue with a reason naming its registrar (the
  // venue moved into the registrar's community, so the officer's scope and the registrar's agree).
  const register = g.city.registers.find((r) => r.venueId === g.city.venues[0]!.id)!;
  const registrar = g.city.residents.find((r) => r.personId === register.registrarId)!;
  await g.databases.venues.sql.query(`UPDATE venue SET community = $2 WHERE id = $1`, [register.venueId, registrar.community]);
  const officer = g.city.residents.find((r) => r.personId !== registrar.personId)!;
  const suspended = await g.query(`mutation($id: ID!, $reason: String!) { suspendRegister(id: $id, reason: $reason) { id } }`, { id: register.id, reason: planted(registrar, "未查验健康码") },
    { role: "COMMUNITY_OFFICER", subject: officer.personId, community: registrar.community });
  expect(suspended.body.errors).toBeUndefined();
}

function viewers(g: TestGraph): Array<[string, Viewer]> {
  const resident = g.city.residents.find((r) => !g.city.causes.some((c) => c.personId === r.personId) && !g.city.bindings.some((b) => b.guardianId === r.personId))!;
  const named = g.city.residents[15]!;
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
    ["EPIDEMIOLOGIST with a free-text purpose naming a resident", { role: "EPIDEMIOLOGIST", subject: g.city.residents[10]!.personId, purpose: `查${named.name} ${named.idNumber} ${named.phone}` }],
    ["EPIDEMIOLOGIST with a blank purpose", { role: "EPIDEMIOLOGIST", subject: g.city.residents[10]!.personId, purpose: " " }],
    ["AUDITOR", { role: "AUDITOR", subject: g.city.residents[11]!.personId }],
    ["APP", { role: "APP", scopes: ["persons:read", "status:read"] }],
  ];
}

describe.each(MODES)("leak scan through the gateway (%s mode)", (mode) => {
  let graph: TestGraph;
  beforeAll(async () => {
    // The scan reads every root field as deep as the schema goes (a venue query of cost 16
    // million): far over the gateway's default cost limit, which is not what it tests.
    graph = await startTestGraph(mode, 40, { gateway: { limits: { ...DEFAULT_LIMITS, maxCost: 25_000_000 } } });
    // Staff bindings are enforced: the sampler and lab below must be bound to reach what they are scanned for.
    await bindStaffEverywhere(graph, [graph.city.residents[5]!.personId, graph.city.residents[6]!.personId]);
    await plant(graph);
  }, 240_000);
  afterAll(async () => {
    await graph?.stop();
  });

  it("runs for every role", () => {
    expect(viewers(graph).map(([, v]) => v.role).sort()).toEqual(expect.arrayContaining(["APP", "AUDITOR", "COMMUNITY_OFFICER", "EPIDEMIOLOGIST", "GUARDIAN", "LAB", "REGISTRAR", "RESIDENT", "SAMPLER"]));
  });

  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])("viewer #%i sees no one's full identity beyond the policy", async (i) => {
    const [label, viewer] = viewers(graph)[i]!;
    const responses: GraphResponse[] = [];
    for (const op of operations(graph, viewer)) responses.push(await graph.query(op.query, op.variables, viewer));
    // The scan must have something to scan: every role gets some data back.
    expect(responses.some((r) => r.body.data && leaves(r.body.data).length > 0)).toBe(true);
    const leaks: string[] = [];
    for (const res of responses) {
      const text = JSON.stringify(res.body);
      const strings = leaves(res.body);
      for (const r of graph.city.residents) {
        const may = maySeeFull(viewer, r);
        if (!may.id && text.includes(r.idNumber)) leaks.push(`${label}: an ID number`);
        if (!may.phone && text.includes(r.phone)) leaks.push(`${label}: a phone number`);
        // Names are searched inside every string too: free text carries them mid-sentence.
        if (!may.name && strings.some((v) => v.includes(r.name))) leaks.push(`${label}: a name`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it("the scan can find what it looks for: full identities to a purposeful epidemiologist, planted ones in free text to its author", async () => {
    const viewer = viewers(graph)[7]![1];
    const target = graph.city.residents[7]!;
    const res = await graph.query(`query { person(id: "${target.personId}") { name documentNumber phone } }`, {}, viewer);
    expect(res.body.data.person).toEqual({ name: target.name, documentNumber: target.idNumber, phone: target.phone });
    const author = graph.city.residents.find((r) => r.personId === appellants[0])!;
    const own = await graph.query(`query { me { appeals { reason } statusHistory { reason } healthCode { causes { clearedReason } } } }`, {}, { role: "RESIDENT", subject: author.personId });
    expect(own.body.data.me.appeals[0].reason).toContain(author.idNumber);
    expect(own.body.data.me.statusHistory[0].reason).toContain(author.idNumber);
    expect(own.body.data.me.healthCode.causes.some((c: { clearedReason: string | null }) => c.clearedReason?.includes(author.idNumber))).toBe(true);
    // The registrar reads the officer's reason about them in full, and the epidemiologist reaches it through the scanned venue.
    const register = graph.city.registers.find((r) => r.venueId === graph.city.venues[0]!.id)!;
    const registrar = graph.city.residents.find((r) => r.personId === register.registrarId)!;
    const mine = await graph.query(`query { myRegisters { id suspension { reason } } }`, {}, { role: "REGISTRAR", subject: registrar.personId });
    expect(mine.body.data.myRegisters.find((r: { id: string }) => r.id === register.id).suspension.reason).toContain(registrar.idNumber);
    const epi = await graph.query(`query($id: ID!) { venue(id: $id) { registers { id suspension { reason } } } }`, { id: register.venueId }, viewer);
    expect(epi.body.data.venue.registers.find((r: { id: string }) => r.id === register.id).suspension.reason).toContain(registrar.idNumber);
  });

  it("refuses free-text and blank purposes with BAD_USER_INPUT, and the audit logs hold only case references", async () => {
    for (const i of [8, 9]) {
      const res = await graph.query(`query { person(id: "${graph.city.residents[7]!.personId}") { name } }`, {}, viewers(graph)[i]![1]);
      expect(res.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(res.body.data?.person?.name ?? null).toBeNull();
    }
    const audit = await graph.query(`query { disclosureAudit { healthCode(last: 1000) { purpose } testing(last: 1000) { purpose } appeals(last: 1000) { purpose } venues(last: 1000) { purpose } } }`, {}, { role: "AUDITOR" });
    expect(audit.body.errors).toBeUndefined();
    const purposes = new Set<string | null>(Object.values(audit.body.data.disclosureAudit).flatMap((rows: any) => rows.map((r: { purpose: string | null }) => r.purpose)));
    expect(purposes.has(DEMO_CASE)).toBe(true);
    expect([...purposes].filter((p) => p !== null && p !== DEMO_CASE)).toEqual([]);
  });
});
