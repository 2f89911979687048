// The disclosure matrix: every @pii field of the composed supergraph, for every role, asserted
// against this file's own table of what each role must see. The fields are read from the
// supergraph, so a new personal field, kind, type or role without a cell here fails the build.
// Each cell is checked where the policy is applied: the owning subgraph, called over real HTTP
// with a gateway-signed Viewer header and an `_entities` fetch (the path every federated read of
// another silo's entity takes).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildASTSchema, parse, type GraphQLSchema } from "graphql";
import { ROLES, type Role, type Viewer } from "../../kernel/auth/viewer";
import { signViewerHeader, VIEWER_HEADER } from "../../kernel/auth/viewerHeader";
import { ageBand, maskIdNumber, maskName, maskPhone } from "../../kernel/identity";
import { PII_KINDS, type Disclosure, type PiiKind } from "../../kernel/privacy/policy";
import { piiFields, type PiiField } from "../../kernel/privacy/piiFields";
import type { Silo } from "../../kernel/config/silos";
import type { DemoResident } from "../../kernel/demo/city";
import { postGraphQL, startTestGraph, type TestGraph } from "../support/graph";

const supergraph: GraphQLSchema = buildASTSchema(parse(readFileSync(join(__dirname, "..", "..", "schema", "supergraph.graphql"), "utf8")), { assumeValidSDL: true });
const FIELDS = piiFields(supergraph);

/** What each role must see of ANOTHER person's data inside its scope: the specification. */
const EXPECTED: Record<Role, Record<PiiKind, Disclosure>> = {
  RESIDENT: { NAME: "DENIED", ID_NUMBER: "DENIED", PHONE: "DENIED", BIRTH_DATE: "DENIED", ADDRESS: "DENIED" },
  GUARDIAN: { NAME: "MASKED", ID_NUMBER: "MASKED", PHONE: "DENIED", BIRTH_DATE: "DENIED", ADDRESS: "DENIED" },
  REGISTRAR: { NAME: "MASKED", ID_NUMBER: "MASKED", PHONE: "DENIED", BIRTH_DATE: "DENIED", ADDRESS: "DENIED" },
  SAMPLER: { NAME: "MASKED", ID_NUMBER: "MASKED", PHONE: "MASKED", BIRTH_DATE: "DENIED", ADDRESS: "DENIED" },
  LAB: { NAME: "DENIED", ID_NUMBER: "DENIED", PHONE: "DENIED", BIRTH_DATE: "DENIED", ADDRESS: "DENIED" },
  COMMUNITY_OFFICER: { NAME: "FULL", ID_NUMBER: "MASKED", PHONE: "FULL", BIRTH_DATE: "DENIED", ADDRESS: "MASKED" },
  EPIDEMIOLOGIST: { NAME: "FULL", ID_NUMBER: "FULL", PHONE: "FULL", BIRTH_DATE: "FULL", ADDRESS: "FULL" },
  AUDITOR: { NAME: "PSEUDONYM", ID_NUMBER: "PSEUDONYM", PHONE: "PSEUDONYM", BIRTH_DATE: "GENERALISED", ADDRESS: "GENERALISED" },
  APP: { NAME: "MASKED", ID_NUMBER: "MASKED", PHONE: "MASKED", BIRTH_DATE: "MASKED", ADDRESS: "MASKED" },
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
}

interface Fixtures {
  swabs: Array<{ id: string; personId: string; documentMasked: string; phone: string | null; siteId: string }>;
}

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
      return { role, subject: other.personId, purpose: "case 2022-0126 contact tracing" };
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
      return kind === "BIRTH_DATE" ? ageBand(raw) : kind === "ADDRESS" ? raw.split(" ")[0]! : raw;
    case "MASKED":
      return { NAME: maskName, ID_NUMBER: maskIdNumber, PHONE: maskPhone, BIRTH_DATE: (v: string) => `${v.slice(0, 4)}-**-**`, ADDRESS: (v: string) => v }[kind](raw);
  }
}

async function fetchEntity(silo: Silo, type: string, id: string, fields: PiiField[], viewer: Viewer) {
  const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${type} { ${fields.map((f) => f.field).join(" ")} disclosures { field kind disclosure } } } }`;
  const header = await signViewerHeader(viewer, graph.secrets.viewerKey);
  return postGraphQL(graph.subgraphs[silo].url, query, { r: [{ __typename: type, id }] }, { [VIEWER_HEADER]: header });
}

beforeAll(async () => {
  graph = await startTestGraph("embedded", 40);
  const rows = await graph.databases.testing.sql.query<{ id: string; person_id: string; document_masked: string; phone: string | null; site_id: string }>(
    `SELECT s.id, s.person_id, s.document_masked, s.phone, b.site_id FROM swab s JOIN sample_tube t ON t.id = s.tube_id JOIN transport_box b ON b.id = t.box_id ORDER BY s.id`,
  );
  fixtures = { swabs: rows.map((r) => ({ id: r.id, personId: r.person_id, documentMasked: r.document_masked, phone: r.phone, siteId: r.site_id })) };
  if (!fixtures.swabs.some((s) => s.phone !== null)) {
    // Demo swabs may carry no phone; give one a phone so the PHONE cell of Swab is exercised.
    await graph.databases.testing.sql.query(`UPDATE swab SET phone = '13800138000' WHERE id = $1`, [fixtures.swabs[0]!.id]);
    fixtures.swabs[0]!.phone = "13800138000";
  }
  swabSite = fixtures.swabs.find((s) => s.phone !== null)!.siteId;
});

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
    const res = await fetchEntity(c.silo, type, target.id, fields, viewer);
    const entity = res.body.data?._entities?.[0];
    expect(entity).toBeTruthy();
    for (const { field, kind } of fields) {
      const raw = target.raw[field];
      expect(raw).toBeDefined(); // a new field needs its raw value in CASES
      const want = expectedValue(kind, row[kind], raw!);
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
    return postGraphQL(graph.subgraphs["health-code"].url, `query($r: [_Any!]!) { _entities(representations: $r) { ${NAME} } }`, { r: [{ __typename: "Person", id }] }, { [VIEWER_HEADER]: header });
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
