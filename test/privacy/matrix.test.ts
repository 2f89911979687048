// The disclosure matrix: every @pii field of the composed supergraph, for every role, asserted
// against this file's own table of what each role must see. The fields are read from the
// supergraph, so a new personal field, kind, type or role without a cell here fails the build.
// Each cell is checked where the policy is applied: the owning subgraph, called over real HTTP
// with a gateway-signed Viewer header and an `_entities` fetch (the path every federated read of
// another silo's entity takes).
import { DEMO_CASE } from "../../kernel/privacy/cases";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildASTSchema, parse, type GraphQLSchema } from "graphql";
import { ROLES, type Role, type Viewer } from "../../kernel/auth/viewer";
import { signViewerHeader, VIEWER_HEADER } from "../../kernel/auth/viewerHeader";
import { ageBand, maskIdentifiersInText, maskIdNumber, maskName, maskPhone, redactText } from "../../kernel/identity";
import { PII_KINDS, type Disclosure, type PiiKind } from "../../kernel/privacy/policy";
import { piiFields, type PiiField } from "../../kernel/privacy/piiFields";
import type { Silo } from "../../kernel/config/silos";
import type { DemoResident } from "../../kernel/demo/city";
import { postGraphQL, startTestGraph, type TestGraph } from "../support/graph";
import { bindStaffEverywhere } from "../support/staff";
import { idFor } from "../support/entityIds";
import { waitFor } from "../events/helpers/wait";

const supergraph: GraphQLSchema = buildASTSchema(parse(readFileSync(join(__dirname, "..", "..", "schema", "supergraph.graphql"), "utf8")), { assumeValidSDL: true });
const FIELDS = piiFields(supergraph);

/** What each role must see of ANOTHER person's data inside its scope: the specification. */
const EXPECTED: Record<Role, Record<PiiKind, Disclosure>> = {
  RESIDENT: { NAME: "DENIED", ID_NUMBER: "DENIED", PHONE: "DENIED", BIRTH_DATE: "DENIED", ADDRESS: "DENIED", FREE_TEXT: "DENIED" },
  GUARDIAN: { NAME: "MASKED", ID_NUMBER: "MASKED", PHONE: "DENIED", BIRTH_DATE: "DENIED", ADDRESS: "DENIED", FREE_TEXT: "DENIED" },
  REGISTRAR: { NAME: "MASKED", ID_NUMBER: "MASKED", PHONE: "DENIED", BIRTH_DATE: "DENIED", ADDRESS: "DENIED", FREE_TEXT: "DENIED" },
  SAMPLER: { NAME: "MASKED", ID_NUMBER: "MASKED", PHONE: "MASKED", BIRTH_DATE: "DENIED", ADDRESS: "DENIED", FREE_TEXT: "DENIED" },
  LAB: { NAME: "DENIED", ID_NUMBER: "DENIED", PHONE: "DENIED", BIRTH_DATE: "DENIED", ADDRESS: "DENIED", FREE_TEXT: "DENIED" },
  COMMUNITY_OFFICER: { NAME: "FULL", ID_NUMBER: "MASKED", PHONE: "FULL", BIRTH_DATE: "DENIED", ADDRESS: "MASKED", FREE_TEXT: "FULL" },
  EPIDEMIOLOGIST: { NAME: "FULL", ID_NUMBER: "FULL", PHONE: "FULL", BIRTH_DATE: "FULL", ADDRESS: "FULL", FREE_TEXT: "FULL" },
  AUDITOR: { NAME: "PSEUDONYM", ID_NUMBER: "PSEUDONYM", PHONE: "PSEUDONYM", BIRTH_DATE: "GENERALISED", ADDRESS: "GENERALISED", FREE_TEXT: "GENERALISED" },
  APP: { NAME: "MASKED", ID_NUMBER: "MASKED", PHONE: "MASKED", BIRTH_DATE: "MASKED", ADDRESS: "MASKED", FREE_TEXT: "MASKED" },
};

const ALL_DENIED = Object.fromEntries(PII_KINDS.map((k) => [k, "DENIED"])) as Record<PiiKind, Disclosure>;

/** How one entity type with personal fields is reached in its silo, and what its raw values are. */
interface TypeCase {
  silo: Silo;
  /** The entity to read for a role (its owner may depend on the role's scope). */
  target(role: Role, g: TestGraph, ctx: Fixtures): { id: string; owner: DemoResident; raw: Record<string, string> };
  /** The viewer of a role whose scope covers the target. */
  viewer(role: Role, target: DemoResident, ctx: Fixtures): Viewer;
  /** Roles this silo puts out of scope for this type, whatever the role's row says. */
  deniedHere: Role[];
  /** Roles refused the whole record (FORBIDDEN on the entity itself), so no field is reached. */
  unreachable?: Role[];
  /** A type without a key of its own is read through its parent entity's field (the first of a list). */
  /** Read through a parent's field; `last` takes the list's last record instead of its first. */
  via?: { type: string; field: string; last?: boolean };
  /** The parent's key is the same for every audience (a register leads to no person). */
  plainKey?: boolean;
}

interface Fixtures {
  swabs: Array<{ id: string; personId: string; documentMasked: string; phone: string | null; siteId: string }>;
  /** A decided appeal whose texts carry identifiers, and a cause of the same person. */
  appeal: { id: string; personId: string; reason: string; decisionNote: string; reference: string; causeId: string; causeDetail: string; causeEvidence: string; causeCleared: string; contactPhone: string; evidenceRequest: string; fileName: string };
  /** Status-history reasons planted for the appellant and for a guardian's verified ward. */
  history: Record<string, string>;
  /** A register an officer suspended with a reason naming its registrar. */
  suspension: { registerId: string; registrarId: string; reason: string };
}

/** Texts with identifiers planted in them, so MASKED cells are seen to mask something. */
const planted = (r: DemoResident, what: string) => `${what}: 我是${r.name}，身份证 ${r.idNumber}，电话 ${r.phone}。`;

const appealCase = (pick: (f: Fixtures) => Record<string, string>, via?: TypeCase["via"]): TypeCase => ({
  silo: "appeals",
  target(_role, g, f) {
    const owner = resident(g, f.appeal.personId);
    return { id: f.appeal.id, owner, raw: pick(f) };
  },
  viewer: (role, target) => viewerFor(role, target),
  deniedHere: [],
  // An appeal is its appellant's, their community's officer's and oversight's to read at all.
  unreachable: ["RESIDENT", "GUARDIAN", "REGISTRAR", "SAMPLER", "LAB", "APP"],
  via,
});

const personRaw = (r: DemoResident) => ({ name: r.name, documentNumber: r.idNumber, phone: r.phone, birthDate: r.birthDate, address: `${r.district} ${r.community}`, householdAddress: `${r.district} ${r.community}` });

const resident = (g: TestGraph, id: string) => g.city.residents.find((r) => r.personId === id)!;

const CASES: Record<string, TypeCase> = {
  Person: {
    silo: "health-code",
    target(role, g) {
      // A guardian's target is a ward of a face-verified binding; everyone else reads resident 7.
      const owner = role === "GUARDIAN" ? resident(g, g.city.bindings.find((b) => b.faceVerified)!.wardId) : g.city.residents[7]!;
      return { id: owner.personId, owner, raw: personRaw(owner) };
    },
    viewer: (role, target) => viewerFor(role, target),
    deniedHere: [],
  },
  Swab: {
    silo: "testing",
    target(_role, g, f) {
      const swab = f.swabs.find((s) => s.phone !== null)!;
      const owner = resident(g, swab.personId);
      return { id: swab.id, owner, raw: { documentMasked: swab.documentMasked, phone: swab.phone! } };
    },
    viewer: (role, target) => viewerFor(role, target),
    deniedHere: ["COMMUNITY_OFFICER", "GUARDIAN", "REGISTRAR", "LAB", "RESIDENT"],
  },
  StatusCause: {
    silo: "health-code",
    target(_role, g, f) {
      const owner = resident(g, f.appeal.personId);
      return { id: f.appeal.causeId, owner, raw: { detail: f.appeal.causeDetail, evidenceRef: f.appeal.causeEvidence, clearedReason: f.appeal.causeCleared } };
    },
    viewer: (role, target) => viewerFor(role, target),
    deniedHere: [],
  },
  // A status change has no key: it is read through its person's statusHistory, which only the
  // person, their verified guardian, their community's officer and oversight reach at all.
  StatusChange: {
    silo: "health-code",
    target(role, g, f) {
      const owner = role === "GUARDIAN" ? resident(g, g.city.bindings.find((b) => b.faceVerified)!.wardId) : resident(g, f.appeal.personId);
      return { id: owner.personId, owner, raw: { reason: f.history[owner.personId]! } };
    },
    viewer: (role, target) => viewerFor(role, target),
    deniedHere: [],
    unreachable: ["RESIDENT", "REGISTRAR", "SAMPLER", "LAB", "APP"],
    via: { type: "Person", field: "statusHistory" },
  },
  // An officer's reason for suspending a register describes its registrar (venues silo).
  Suspension: {
    silo: "venues",
    target(_role, g, f) {
      const owner = resident(g, f.suspension.registrarId);
      return { id: f.suspension.registerId, owner, raw: { reason: f.suspension.reason } };
    },
    viewer: (role, target) => viewerFor(role, target),
    deniedHere: [],
    via: { type: "Register", field: "suspension" },
    plainKey: true,
  },
  Appeal: appealCase((f) => ({ reason: f.appeal.reason, decisionNote: f.appeal.decisionNote, contactPhone: f.appeal.contactPhone, evidenceRequest: f.appeal.evidenceRequest })),
  Evidence: appealCase((f) => ({ reference: f.appeal.reference }), { type: "Appeal", field: "evidence" }),
  Attachment: appealCase((f) => ({ fileName: f.appeal.fileName }), { type: "Appeal", field: "attachments" }),
  // The appeal's last step is the rejection, stored with the officer's decision note.
  AppealStep: appealCase((f) => ({ note: f.appeal.decisionNote }), { type: "Appeal", field: "history", last: true }),
};

let graph: TestGraph;
let fixtures: Fixtures;
let swabSite: string;

/** A viewer of `role` whose scope covers `target` (the subject is never the target). */
function viewerFor(role: Role, target: DemoResident): Viewer {
  const other = graph.city.residents.find((r) => r.personId !== target.personId && r.community !== target.community)!;
  switch (role) {
    case "GUARDIAN":
      // The target's own guardian when it has one (Person); any guardian otherwise (Swab is out of scope).
      // (never the target themself: the demo city's person ids change with each test's pepper).
      const binding = graph.city.bindings.find((b) => b.faceVerified && b.wardId === target.personId) ?? graph.city.bindings.find((b) => b.guardianId !== target.personId)!;
      return { role, subject: binding.guardianId };
    case "COMMUNITY_OFFICER":
      return { role, subject: other.personId, community: target.community };
    case "SAMPLER":
      return { role, subject: other.personId, siteId: swabSite };
    case "LAB":
      return { role, subject: other.personId, agencyId: graph.city.agencies[0]!.id };
    case "EPIDEMIOLOGIST":
      return { role, subject: other.personId, purpose: DEMO_CASE };
    case "APP":
      return { role };
    default:
      return { role, subject: other.personId };
  }
}

/** The value a field must have under a disclosure (PSEUDONYM is checked by shape and stability). */
function expectedValue(kind: PiiKind, disclosure: Disclosure, raw: string): string | null {
  switch (disclosure) {
    case "FULL":
      return raw;
    case "DENIED":
      return null;
    case "PSEUDONYM":
      return "pseudonym";
    case "GENERALISED":
      return kind === "BIRTH_DATE" ? ageBand(raw) : kind === "ADDRESS" ? raw.split(" ")[0]! : kind === "FREE_TEXT" ? redactText(raw) : raw;
    case "MASKED":
      return { NAME: maskName, ID_NUMBER: maskIdNumber, PHONE: maskPhone, BIRTH_DATE: (v: string) => `${v.slice(0, 4)}-**-**`, ADDRESS: (v: string) => v, FREE_TEXT: maskIdentifiersInText }[kind](raw);
  }
}

async function fetchEntity(silo: Silo, type: string, id: string, fields: PiiField[], viewer: Viewer, via?: TypeCase["via"], plainKey = false) {
  const selection = `${fields.map((f) => f.field).join(" ")} disclosures { field kind disclosure }`;
  const entityType = via?.type ?? type;
  const inner = via ? `${via.field} { ${selection} }` : selection;
  const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${entityType} { ${inner} } } }`;
  const header = await signViewerHeader(viewer, graph.secrets.viewerKey);
  const res = await postGraphQL(graph.subgraphs[silo].url, query, { r: [{ __typename: entityType, id: plainKey ? id : idFor(graph, viewer, entityType, id) }] }, { [VIEWER_HEADER]: header });
  // Read through the parent: the record is the first (or, with `last`, the last) of the parent's list.
  if (via && res.body.data?._entities?.[0]) {
    const inner = res.body.data._entities[0][via.field];
    res.body.data._entities[0] = (Array.isArray(inner) ? inner[via.last ? inner.length - 1 : 0] : inner) ?? null;
  }
  return res;
}

beforeAll(async () => {
  graph = await startTestGraph("embedded", 40);
  // Any resident may be the sampler or lab member of a case below: all are bound (bindings are enforced).
  await bindStaffEverywhere(graph, graph.city.residents.map((r) => r.personId));
  const rows = await graph.databases.testing.sql.query<{ id: string; person_id: string; document_masked: string; phone: string | null; site_id: string }>(
    `SELECT s.id, s.person_id, s.document_masked, s.phone, b.site_id FROM swab s JOIN sample_tube t ON t.id = s.tube_id JOIN transport_box b ON b.id = t.box_id ORDER BY s.id`,
  );
  const swabs = rows.map((r) => ({ id: r.id, personId: r.person_id, documentMasked: r.document_masked, phone: r.phone, siteId: r.site_id }));
  if (!swabs.some((s) => s.phone !== null)) {
    // Demo swabs may carry no phone; give one a phone so the PHONE cell of Swab is exercised.
    await graph.databases.testing.sql.query(`UPDATE swab SET phone = '13800138000' WHERE id = $1`, [swabs[0]!.id]);
    swabs[0]!.phone = "13800138000";
  }
  swabSite = swabs.find((s) => s.phone !== null)!.siteId;
  const appeal = await decidedAppeal();
  // Officer-written text about the person (issue 12's fields): identifiers planted in each. The
  // status-history rows are the newest of their persons, so statusHistory lists them first.
  const ward = resident(graph, graph.city.bindings.find((b) => b.faceVerified)!.wardId);
  const history: Record<string, string> = {};
  for (const p of [resident(graph, appeal.personId), ward]) {
    history[p.personId] = planted(p, "解除隔离");
    await graph.databases["health-code"].sql.query(
      `INSERT INTO status_change (id, person_id, at, from_colour, to_colour, change, reason, actor_role) VALUES (gen_random_uuid(), $1, now() + interval '1 minute', 'RED', 'GREEN', 'CLEARED', $2, 'COMMUNITY_OFFICER')`,
      [p.personId, history[p.personId]],
    );
  }
  // A register suspended by its venue's officer with a reason naming the registrar; the venue is
  // placed in the registrar's community so the matrix's officer (of the owner's community) is in scope.
  const register = graph.city.registers[0]!;
  const registrarRow = resident(graph, register.registrarId);
  const suspension = { registerId: register.id, registrarId: register.registrarId, reason: planted(registrarRow, "未查验健康码") };
  await graph.databases.venues.sql.query(`UPDATE venue SET community = $2 WHERE id = $1`, [register.venueId, registrarRow.community]);
  const suspended = await graph.query(`mutation($id: ID!, $reason: String!) { suspendRegister(id: $id, reason: $reason) { id } }`, { id: register.id, reason: suspension.reason },
    { role: "COMMUNITY_OFFICER", subject: graph.city.residents.find((r) => r.personId !== register.registrarId)!.personId, community: registrarRow.community });
  if (suspended.body.errors) throw new Error(JSON.stringify(suspended.body.errors));
  fixtures = { swabs, appeal, history, suspension };
}, 240_000);

/** An appeal by a resident with a cause, with evidence requested and added, decided by their officer, with identifiers in every text. */
async function decidedAppeal(): Promise<Fixtures["appeal"]> {
  const [cause] = await graph.databases["health-code"].sql.query<{ id: string; person_id: string; detail: string }>(`SELECT id, person_id, detail FROM status_cause WHERE cleared_at IS NULL ORDER BY id LIMIT 1`);
  const owner = resident(graph, cause!.person_id);
  const other = graph.city.residents.find((r) => r.personId !== owner.personId)!;
  // The cause's detail describes the person too: plant identifiers there as well.
  const causeDetail = planted(owner, cause!.detail);
  // So are the evidence reference and the clearing reason an officer writes (set here on the open
  // cause, so one record carries every free-text field of StatusCause).
  const causeEvidence = planted(owner, "流调报告");
  const causeCleared = planted(owner, "核酸阴性");
  await graph.databases["health-code"].sql.query(`UPDATE status_cause SET detail = $2, evidence_ref = $3, cleared_reason = $4 WHERE id = $1`, [cause!.id, causeDetail, causeEvidence, causeCleared]);
  await waitFor("the appellant's community in the appeals replica", async () => (await graph.databases.appeals.sql.query(`SELECT 1 FROM cause_replica_person WHERE person_id = $1 AND community IS NOT NULL`, [owner.personId])).length > 0);
  const reason = planted(owner, "不是我");
  const reference = planted(other, "同行人");
  const contactPhone = "13912345678";
  const fileName = `${planted(owner, "截图")}.png`;
  const attachment = { fileName, mediaType: "image/png", sizeBytes: 1024, sha256: "a".repeat(64) };
  const submitted = await graph.query(`mutation($i: SubmitAppealInput!) { submitAppeal(input: $i) { id } }`, { i: { causeId: cause!.id, reason, contactPhone, attachments: [attachment], evidence: [{ kind: "OTHER", reference }] } }, { role: "RESIDENT", subject: owner.personId });
  if (submitted.body.errors) throw new Error(JSON.stringify(submitted.body.errors));
  const id = submitted.body.data.submitAppeal.id as string;
  const decisionNote = planted(owner, "核实");
  const officer = graph.city.residents.find((r) => r.personId !== owner.personId && r.personId !== other.personId)!;
  const officerViewer: Viewer = { role: "COMMUNITY_OFFICER", subject: officer.personId, community: owner.community };
  // The officer's request describes the appellant too; the appellant answers it.
  const evidenceRequest = planted(owner, "请补充");
  const asked = await graph.query(`mutation($i: RequestAppealEvidenceInput!) { requestAppealEvidence(input: $i) { id } }`, { i: { id, request: evidenceRequest } }, officerViewer);
  if (asked.body.errors) throw new Error(JSON.stringify(asked.body.errors));
  const added = await graph.query(`mutation($i: AddAppealEvidenceInput!) { addAppealEvidence(input: $i) { id } }`, { i: { id, evidence: [{ kind: "OTHER", reference: "补充材料" }] } }, { role: "RESIDENT", subject: owner.personId });
  if (added.body.errors) throw new Error(JSON.stringify(added.body.errors));
  const decided = await graph.query(`mutation($i: DecideAppealInput!) { decideAppeal(input: $i) { id } }`, { i: { id, approve: false, note: decisionNote } }, { role: "COMMUNITY_OFFICER", subject: officer.personId, community: owner.community });
  if (decided.body.errors) throw new Error(JSON.stringify(decided.body.errors));
  return { id, personId: owner.personId, reason, decisionNote, reference, causeId: cause!.id, causeDetail, causeEvidence, causeCleared, contactPhone, evidenceRequest, fileName };
}

afterAll(async () => {
  await graph?.stop();
});

describe("the disclosure matrix covers the supergraph", () => {
  it("finds the personal fields in the composed supergraph", () => {
    expect(FIELDS.length).toBeGreaterThanOrEqual(7);
  });
  it("has a cell for every role and every kind, and a case for every type", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...ROLES].sort());
    for (const role of ROLES) expect(Object.keys(EXPECTED[role]).sort()).toEqual([...PII_KINDS].sort());
    for (const f of FIELDS) expect(CASES[f.type]).toBeDefined();
  });
});

const TYPES = [...new Set(FIELDS.map((f) => f.type))];

describe.each(TYPES)("%s: each role sees another person's fields as the policy says", (type) => {
  it.each([...ROLES])("%s", async (role) => {
    const c = CASES[type]!;
    const fields = FIELDS.filter((f) => f.type === type);
    const target = c.target(role, graph, fixtures);
    const viewer = c.viewer(role, target.owner, fixtures);
    expect(viewer.subject).not.toBe(target.owner.personId); // these cells are about another person's data
    const row = c.deniedHere.includes(role) ? ALL_DENIED : EXPECTED[role];
    const res = await fetchEntity(c.silo, type, target.id, fields, viewer, c.via, c.plainKey);
    const entity = res.body.data?._entities?.[0];
    if (c.unreachable?.includes(role)) {
      expect(entity ?? null).toBeNull();
      expect(res.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      for (const raw of Object.values(target.raw)) expect(JSON.stringify(res.body)).not.toContain(raw);
      return;
    }
    expect(entity).toBeTruthy();
    for (const { field, kind } of fields) {
      const raw = target.raw[field];
      expect(raw).toBeDefined(); // a new field needs its raw value in CASES
      // Free text in full still masks the identifiers inside it that the role may not see in full.
      const want = kind === "FREE_TEXT" && row[kind] === "FULL"
        ? maskIdentifiersInText(raw!, { idNumbers: row.ID_NUMBER !== "FULL", phones: row.PHONE !== "FULL", names: row.NAME !== "FULL" })
        : expectedValue(kind, row[kind], raw!);
      const marker = entity.disclosures.find((d: { field: string }) => d.field === field);
      expect({ field, disclosure: marker?.disclosure }).toEqual({ field, disclosure: row[kind] });
      if (want === "pseudonym") {
        expect(entity[field]).toMatch(/^anon_[A-Za-z0-9_-]{22}$/);
      } else {
        expect({ field, value: entity[field] }).toEqual({ field, value: want });
      }
      if (row[kind] === "DENIED") {
        const error = res.body.errors?.find((e) => e.path?.[e.path.length - 1] === field);
        expect(error?.extensions?.code).toBe("FORBIDDEN");
      }
      // Nothing of the raw value leaks elsewhere in the response (data, errors, extensions).
      if (row[kind] !== "FULL" && want !== raw && raw!.length > 4) expect(JSON.stringify(res.body)).not.toContain(raw!);
    }
  });
});

describe("scope conditions", () => {
  const NAME = `... on Person { name documentNumber phone disclosures { field disclosure } }`;
  const person = async (viewer: Viewer, id: string) => {
    const header = await signViewerHeader(viewer, graph.secrets.viewerKey);
    return postGraphQL(graph.subgraphs["health-code"].url, `query($r: [_Any!]!) { _entities(representations: $r) { ${NAME} } }`, { r: [{ __typename: "Person", id: idFor(graph, viewer, "Person", id) }] }, { [VIEWER_HEADER]: header });
  };

  it("everyone but an auditor sees their own data in full; an auditor sees even their own as pseudonyms", async () => {
    const me = graph.city.residents[3]!;
    for (const role of ROLES.filter((r) => r !== "APP")) {
      const res = await person({ role, subject: me.personId }, me.personId);
      const p = res.body.data._entities[0];
      if (role === "AUDITOR") expect(p.name).toMatch(/^anon_/);
      else expect([p.name, p.documentNumber, p.phone]).toEqual([me.name, me.idNumber, me.phone]);
    }
  });

  it("an officer sees nothing of a resident outside their community", async () => {
    const target = graph.city.residents[7]!;
    const elsewhere = graph.city.residents.find((r) => r.community !== target.community)!;
    const res = await person({ role: "COMMUNITY_OFFICER", subject: elsewhere.personId, community: elsewhere.community }, target.personId);
    expect(res.body.data._entities[0]).toMatchObject({ name: null, documentNumber: null, phone: null });
    expect(res.body.data._entities[0].disclosures.every((d: { disclosure: string }) => d.disclosure === "DENIED")).toBe(true);
  });

  it("a guardian sees nothing of a ward whose binding awaits face verification", async () => {
    const pending = graph.city.bindings.find((b) => !b.faceVerified)!;
    const res = await person({ role: "GUARDIAN", subject: pending.guardianId }, pending.wardId);
    expect(res.body.data._entities[0]).toMatchObject({ name: null, documentNumber: null });
  });

  it("an epidemiologist without a stated purpose sees masked data, not full", async () => {
    const target = graph.city.residents[7]!;
    const res = await person({ role: "EPIDEMIOLOGIST", subject: graph.city.residents[1]!.personId }, target.personId);
    expect(res.body.data._entities[0]).toMatchObject({ name: maskName(target.name), documentNumber: maskIdNumber(target.idNumber) });
  });

  it("an app granted pii:NAME sees names in full and the rest masked", async () => {
    const target = graph.city.residents[7]!;
    const res = await person({ role: "APP", scopes: ["pii:NAME"] }, target.personId);
    expect(res.body.data._entities[0]).toMatchObject({ name: target.name, documentNumber: maskIdNumber(target.idNumber) });
  });

  it("a sampler sees nothing of a swab taken at another site", async () => {
    const swab = fixtures.swabs[0]!;
    const otherSite = graph.city.sites.find((s) => s.id !== swab.siteId)!.id;
    const sampler = graph.city.residents.find((r) => r.personId !== swab.personId)!;
    const header = await signViewerHeader({ role: "SAMPLER", subject: sampler.personId, siteId: otherSite }, graph.secrets.viewerKey);
    const res = await postGraphQL(graph.subgraphs.testing.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Swab { documentMasked } } }`, { r: [{ __typename: "Swab", id: swab.id }] }, { [VIEWER_HEADER]: header });
    expect(res.body.data._entities[0].documentMasked).toBeNull();
    expect(res.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("an auditor's pseudonyms are stable and differ between persons", async () => {
    const [a, b] = [graph.city.residents[7]!, graph.city.residents[8]!];
    const first = await person({ role: "AUDITOR" }, a.personId);
    const again = await person({ role: "AUDITOR" }, a.personId);
    const other = await person({ role: "AUDITOR" }, b.personId);
    expect(first.body.data._entities[0].name).toBe(again.body.data._entities[0].name);
    expect(first.body.data._entities[0].name).not.toBe(other.body.data._entities[0].name);
  });
});

// The row for status inputs: `latestNegativeResultAt` (the time of a person's last negative test)
// is not in the API at all (@inaccessible); it reaches health-code only as the input of a status
// colour, and a colour answers only where the viewer may read that person's status.
describe("status inputs follow the status scope", () => {
  /** Whether each role may read another person's status colour: in its scope / outside it. */
  const STATUS: Record<Role, { inScope: boolean; outside: boolean }> = {
    RESIDENT: { inScope: false, outside: false },
    GUARDIAN: { inScope: true, outside: false },
    // A registrar reaches visitors only through venues' check-ins (the scope is that path).
    REGISTRAR: { inScope: true, outside: true },
    SAMPLER: { inScope: false, outside: false },
    LAB: { inScope: false, outside: false },
    COMMUNITY_OFFICER: { inScope: true, outside: false },
    EPIDEMIOLOGIST: { inScope: true, outside: true },
    AUDITOR: { inScope: true, outside: true },
    APP: { inScope: true, outside: true }, // with status:read; without it, see below
  };

  const colour = async (viewer: Viewer, personId: string) => {
    const header = await signViewerHeader(viewer, graph.secrets.viewerKey);
    const rep = { __typename: "Person", id: idFor(graph, viewer, "Person", personId), latestNegativeResultAt: new Date().toISOString() };
    const res = await postGraphQL(graph.subgraphs["health-code"].url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { healthCode { colour } } } }`, { r: [rep] }, { [VIEWER_HEADER]: header });
    return res.body.data?._entities?.[0]?.healthCode?.colour ?? null;
  };
  const input = async (viewer: Viewer, personId: string) => {
    const header = await signViewerHeader(viewer, graph.secrets.viewerKey);
    const res = await postGraphQL(graph.subgraphs.testing.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { latestNegativeResultAt } } }`, { r: [{ __typename: "Person", id: idFor(graph, viewer, "Person", personId) }] }, { [VIEWER_HEADER]: header });
    return res.body.errors?.some((e) => e.extensions?.code === "FORBIDDEN") ? "FORBIDDEN" : "answered";
  };

  it("is no field of the graph's API, for any role", async () => {
    const target = graph.city.residents[7]!;
    for (const role of ROLES) {
      const viewer: Viewer = role === "APP" ? { role, scopes: ["persons:read", "status:read"] } : viewerFor(role, target);
      const res = await graph.query(`query($id: ID!) { person(id: $id) { latestNegativeResultAt } }`, { id: target.personId }, viewer);
      expect(res.body.data ?? null).toBeNull();
      expect(res.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    }
  });

  it.each([...ROLES])("%s: a colour (and its input) only where the role may read the status", async (role) => {
    const target = role === "GUARDIAN" ? resident(graph, graph.city.bindings.find((b) => b.faceVerified)!.wardId) : graph.city.residents[7]!;
    const viewer: Viewer = role === "APP" ? { role, scopes: ["persons:read", "status:read"] } : viewerFor(role, target);
    const outsider = graph.city.residents.find((r) => r.community !== target.community && r.personId !== viewer.subject && !graph.city.bindings.some((b) => b.wardId === r.personId && b.guardianId === viewer.subject))!;
    expect(Boolean(await colour(viewer, target.personId))).toBe(STATUS[role].inScope);
    expect(Boolean(await colour(viewer, outsider.personId))).toBe(STATUS[role].outside);
    // The testing silo never answers the input to a role that can read no status.
    if (!STATUS[role].inScope && !STATUS[role].outside) expect(await input(viewer, target.personId)).toBe("FORBIDDEN");
  });

  it("an app without status:read gets neither the colour nor its input", async () => {
    const app: Viewer = { role: "APP", scopes: ["persons:read"] };
    const target = graph.city.residents[7]!;
    expect(await colour(app, target.personId)).toBeNull();
    expect(await input(app, target.personId)).toBe("FORBIDDEN");
  });
});
