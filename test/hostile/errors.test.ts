// Honest errors through the real gateway: what a client gets wrong comes back with a stable code
// and a message it can act on, never INTERNAL_SERVER_ERROR or a subgraph's raw response.
import { startGateway } from "../../gateway/server";
import type { RunningServer } from "../../kernel/http/serve";
import { SILOS, graphName } from "../../kernel/config/silos";
import { signToken } from "../../kernel/auth/tokens";
import { DEMO_CASE } from "../../kernel/privacy/cases";
import { SignJWT } from "jose";
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from "../../kernel/auth/tokens";
import { join } from "node:path";
import { postGraphQL, startTestGraph, type TestGraph } from "../support/graph";

let graph: TestGraph;
let production: RunningServer;
let resident: Record<string, string>;
let epidemiologist: Record<string, string>;

beforeAll(async () => {
  graph = await startTestGraph("embedded", 40);
  resident = { authorization: `Bearer ${await graph.token({ role: "RESIDENT", subject: graph.city.residents[0]!.personId })}` };
  epidemiologist = { authorization: `Bearer ${await graph.token({ role: "EPIDEMIOLOGIST", subject: graph.city.residents[1]!.personId, purpose: DEMO_CASE })}` };
  production = await startGateway({
    port: 0,
    subgraphUrls: Object.fromEntries(SILOS.map((s) => [graphName(s), graph.subgraphs[s].url])),
    supergraphPath: join(__dirname, "..", "..", "schema", "supergraph.graphql"),
    secrets: graph.secrets,
    production: true,
  });
}, 300_000);
afterAll(async () => {
  await production?.stop();
  await graph?.stop();
});

function expectNoRawResponse(body: unknown) {
  expect(JSON.stringify(body)).not.toMatch(/"response"|INTERNAL_SERVER_ERROR|400: Bad Request/);
}

const RISK_POINT = `mutation Risk($from: DateTime!, $to: DateTime!) { reportRiskPoint(venueId: "v", from: $from, to: $to) { id } }`;

test.each([["1"], ["2022-01-26"], ["2022-02-30T10:00:00Z"], ["yesterday"]])("a malformed DateTime variable %j is BAD_USER_INPUT naming the variable, in dev and production", async (from) => {
  for (const url of [graph.gateway.url, production.url]) {
    const res = await postGraphQL(url, RISK_POINT, { from, to: "2022-01-27T10:00:00Z" }, epidemiologist);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(res.body.errors?.[0]?.message).toContain("$from");
    expect(res.body.errors?.[0]?.message).toContain("ISO 8601");
    expectNoRawResponse(res.body);
  }
});

test("a malformed DateTime literal is BAD_USER_INPUT, refused at the gateway", async () => {
  const res = await postGraphQL(graph.gateway.url, `mutation { reportRiskPoint(venueId: "v", from: "1", to: "2022-01-27T10:00:00Z") { id } }`, undefined, epidemiologist);
  expect(res.status).toBe(400);
  expect(res.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  expect(res.body.errors?.[0]?.message).toContain("ISO 8601");
  expectNoRawResponse(res.body);
});

test.each([[0], [-1], [100_000]])("checkIns(last: %d) is refused with BAD_USER_INPUT naming the argument", async (last) => {
  for (const [query, variables] of [[`query { me { checkIns(last: ${last}) { id } } }`, undefined], [`query($n: Int!) { me { checkIns(last: $n) { id } } }`, { n: last }]] as const) {
    const res = await postGraphQL(graph.gateway.url, query, variables, resident);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "last", field: "Person.checkIns" });
  }
});

test("field suggestions are given in development and withheld in production", async () => {
  const query = `query { me { nmae } }`;
  const dev = await postGraphQL(graph.gateway.url, query, undefined, resident);
  expect(dev.body.errors?.[0]?.message).toContain("Did you mean");
  const prod = await postGraphQL(production.url, query, undefined, resident);
  expect(prod.status).toBe(400);
  expect(prod.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  expect(prod.body.errors?.[0]?.message).not.toContain("Did you mean");
  expect(prod.body.errors?.[0]?.message).not.toContain("name");
});

test("a root field outside the role is 403 FORBIDDEN, whether the gateway or a subgraph refuses it", async () => {
  const atGateway = await postGraphQL(graph.gateway.url, `query { disclosureAudit { healthCode { personId } } }`, undefined, resident);
  expect(atGateway.status).toBe(403);
  expect(atGateway.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  // A resident may call person(id:), but only for themself: health-code's shield refuses another person.
  const other = graph.city.residents[5]!.personId;
  const inSubgraph = await postGraphQL(graph.gateway.url, `query($id: ID!) { person(id: $id) { name } }`, { id: other }, resident);
  expect(inSubgraph.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  expect(inSubgraph.status).toBe(403);
});

describe("token rules", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const raw = (claims: Record<string, unknown>, exp: number) =>
    new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).setIssuedAt().setExpirationTime(exp).sign(graph.secrets.tokenSecret);

  test("a token valid for ten years is refused with 401 UNAUTHENTICATED", async () => {
    const token = await raw({ role: "RESIDENT", sub: graph.city.residents[0]!.personId }, now() + 10 * 365 * 24 * 3600);
    const res = await postGraphQL(graph.gateway.url, `{ me { id } }`, undefined, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(res.body.errors?.[0]?.message).toContain("shorter-lived");
  });

  test("an EPIDEMIOLOGIST token without sub is refused and writes no audit row", async () => {
    const before = await graph.databases["health-code"].sql.query("SELECT count(*)::int AS n FROM disclosure_audit");
    const token = await signToken({ role: "EPIDEMIOLOGIST", purpose: DEMO_CASE }, graph.secrets.tokenSecret);
    const res = await postGraphQL(graph.gateway.url, `query($id: ID!) { person(id: $id) { name documentNumber } }`, { id: graph.city.residents[3]!.personId }, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(res.body.data).toBeUndefined();
    expect(await graph.databases["health-code"].sql.query("SELECT count(*)::int AS n FROM disclosure_audit")).toEqual(before);
  });

  test("a day-long token with sub is accepted", async () => {
    const token = await raw({ role: "EPIDEMIOLOGIST", sub: graph.city.residents[1]!.personId, purpose: DEMO_CASE }, now() + 23 * 3600);
    const res = await postGraphQL(graph.gateway.url, `query($id: ID!) { person(id: $id) { name } }`, { id: graph.city.residents[3]!.personId }, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    expect(res.body.data.person.name).toBe(graph.city.residents[3]!.name);
  });
});
