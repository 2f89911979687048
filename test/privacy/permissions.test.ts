// Who may call what: the root-access table covers the whole supergraph; the gateway refuses a
// root field outside the viewer's role before planning; every subgraph's graphql-shield map
// refuses the same when called directly, covers entity fields reached through `_entities`, denies
// whatever it does not name, and lets resolvers' own errors through.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildASTSchema, buildSchema, parse, graphql } from "graphql";
import { ROOT_ACCESS } from "../../kernel/auth/access";
import { allow, protectWith } from "../../kernel/auth/rules";
import { signViewerHeader, VIEWER_HEADER } from "../../kernel/auth/viewerHeader";
import type { Viewer } from "../../kernel/auth/viewer";
import type { Silo } from "../../kernel/config/silos";
import { postGraphQL, startTestGraph, type TestGraph } from "../support/graph";
import { idFor } from "../support/entityIds";

const supergraph = buildASTSchema(parse(readFileSync(join(__dirname, "..", "..", "schema", "supergraph.graphql"), "utf8")), { assumeValidSDL: true });

describe("the root-access table", () => {
  it("has exactly one entry per root field of the supergraph", () => {
    const roots = [supergraph.getQueryType(), supergraph.getMutationType()].flatMap((t) => Object.keys(t!.getFields()).map((f) => `${t!.name}.${f}`));
    expect(Object.keys(ROOT_ACCESS).sort()).toEqual(roots.sort());
  });
});

describe("protectWith (graphql-shield with fallbackRule deny)", () => {
  const schema = buildSchema(`type Query { named: String unnamed: String broken: String }`);
  const root = { named: "yes", unnamed: "secret", broken: () => { throw Object.assign(new Error("a real failure"), { extensions: { code: "CONFLICT" } }); } };
  const protectedSchema = protectWith({ Query: { named: allow, broken: allow } })(schema);

  it("denies a field the map does not name, as FORBIDDEN naming the field only", async () => {
    const res = await graphql({ schema: protectedSchema, source: `{ named unnamed }`, rootValue: root, contextValue: { viewer: { role: "EPIDEMIOLOGIST" } } });
    expect(res.data).toEqual({ named: "yes", unnamed: null });
    expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(res.errors?.[0]?.message).toBe("Your role may not read or call Query.unnamed here.");
  });

  it("lets a resolver's own error through unchanged", async () => {
    const res = await graphql({ schema: protectedSchema, source: `{ broken }`, rootValue: root, contextValue: { viewer: { role: "EPIDEMIOLOGIST" } } });
    expect(res.errors?.[0]?.message).toBe("a real failure");
  });
});

describe("root access through the graph", () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph("embedded", 30);
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const direct = async (silo: Silo, query: string, viewer: Viewer, variables?: Record<string, unknown>) =>
    postGraphQL(graph.subgraphs[silo].url, query, variables, { [VIEWER_HEADER]: await signViewerHeader(viewer, graph.secrets.viewerKey) });

  it("the gateway refuses a root field outside the role before planning, and nothing is written", async () => {
    const tube = graph.city.tubes.find((t) => !graph.city.results.some((r) => r.tubeCode === t.code))!;
    const res = await graph.query(`mutation { recordResult(input: { tubeCode: "${tube.code}", outcome: POSITIVE }) { id } }`, {}, { role: "RESIDENT", subject: graph.city.residents[0]!.personId });
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: "FORBIDDEN", fields: ["Mutation.recordResult"] });
    expect(res.body.errors![0]!.extensions!.serviceName).toBeUndefined(); // refused by the gateway itself
    const written = await graph.databases.testing.sql.query(`SELECT 1 FROM test_result r JOIN sample_tube t ON t.id = r.tube_id WHERE t.code = $1`, [tube.code]);
    expect(written).toHaveLength(0);
  });

  it("sees root fields through fragments and inline fragments", async () => {
    const viewer: Viewer = { role: "RESIDENT", subject: graph.city.residents[0]!.personId };
    const res = await graph.query(`query { ... on Query { ...F } } fragment F on Query { statusCounts { colour } }`, {}, viewer);
    expect(res.body.errors?.[0]?.extensions?.fields).toEqual(["Query.statusCounts"]);
  });

  it("each subgraph refuses the same when called directly (shield checks the same table)", async () => {
    const sampler: Viewer = { role: "SAMPLER", subject: graph.city.residents[1]!.personId, siteId: graph.city.sites[0]!.id };
    const hc = await direct("health-code", `query { statusCounts { colour } }`, sampler);
    expect(hc.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const t = await direct("testing", `mutation { recordResults(inputs: []) { recorded } }`, sampler);
    expect(t.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const v = await direct("venues", `query { myRegisters { id } }`, sampler);
    expect(v.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const a = await direct("appeals", `query { appealsToReview { id } }`, sampler);
    expect(a.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("rules cover entity fields fetched through _entities", async () => {
    const registrar: Viewer = { role: "REGISTRAR", subject: graph.city.registers[0]!.registrarId };
    // The registrar's own id for the person (registrars are an audience of their own).
    const other = idFor(graph, registrar, "Person", graph.city.residents.find((r) => r.personId !== registrar.subject)!.personId);
    const res = await direct("testing", `query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { tests { status } } } }`, registrar, { r: [{ __typename: "Person", id: other }] });
    expect(res.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const checkIns = await direct("venues", `query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { checkIns { id } } } }`, registrar, { r: [{ __typename: "Person", id: other }] });
    expect(checkIns.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("a registrar sees a visitor's status colour but not the causes behind it", async () => {
    const register = graph.city.registers.find((r) => graph.city.checkIns.some((c) => c.registerId === r.id))!;
    const res = await graph.query(`query { myRegisters { checkIns { person { name healthCode { colour causes { kind } } } } } }`, {}, { role: "REGISTRAR", subject: register.registrarId });
    const people = res.body.data.myRegisters.flatMap((r: any) => r.checkIns.map((c: any) => c.person));
    expect(people.length).toBeGreaterThan(0);
    expect(people.every((p: any) => p.name.endsWith("*") && typeof p.healthCode.colour === "string" && p.healthCode.causes === null)).toBe(true);
    expect(res.body.errors?.every((e) => e.extensions?.code === "FORBIDDEN" && e.path?.includes("causes"))).toBe(true);
  });

  it("a guardian reads a face-verified ward's status and masked identity, and no other person", async () => {
    const binding = graph.city.bindings.find((b) => b.faceVerified)!;
    const ward = graph.city.residents.find((r) => r.personId === binding.wardId)!;
    const guardian: Viewer = { role: "GUARDIAN", subject: binding.guardianId };
    const wards = await graph.query(`query { wards { id name documentNumber healthCode { colour label } } }`, {}, guardian);
    expect(wards.body.errors).toBeUndefined();
    expect(wards.body.data.wards).toContainEqual(expect.objectContaining({ id: ward.personId, name: expect.stringMatching(/\*/), documentNumber: expect.stringMatching(/^\d\d\*+[\dX]{2}$/) }));
    const stranger = graph.city.residents.find((r) => !graph.city.bindings.some((b) => b.wardId === r.personId) && r.personId !== binding.guardianId)!;
    const denied = await graph.query(`query { person(id: "${stranger.personId}") { name } }`, {}, guardian);
    expect(denied.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(denied.body.data?.person ?? null).toBeNull();
  });

  it("oversight gets aggregates: statuses, results per agency, appeals per community", async () => {
    const res = await graph.query(`query { statusCounts { colour residents } resultCounts { agency { id } negative positive invalid } appealCounts { community submitted } }`, {}, { role: "AUDITOR" });
    expect(res.body.errors).toBeUndefined();
    const total = res.body.data.statusCounts.reduce((n: number, s: { residents: number }) => n + s.residents, 0);
    expect(total).toBe(graph.city.residents.length);
    const negatives = res.body.data.resultCounts.reduce((n: number, r: { negative: number }) => n + r.negative, 0);
    expect(negatives).toBe(graph.city.results.length);
  });
});
