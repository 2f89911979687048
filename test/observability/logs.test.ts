// Logs and metrics of a full run of the graph: every request gets an access log line with a
// request id that the subgraphs log too; /metrics answers on the gateway and every subgraph;
// unknown paths are 404; and the captured logs of the whole run, across every role, mutations
// carrying ID numbers and phones, refusals and failures, contain none of the demo city's real
// names, ID numbers or phone numbers.
import { configureLogging } from "../../kernel/observability";
import type { Viewer } from "../../kernel/auth/viewer";
import { postGraphQL, startTestGraph, type TestGraph } from "../support/graph";
import { bindStaffEverywhere } from "../support/staff";
import { fragmentTree } from "../hostile/queries";
import { openSamplingSession } from "../support/sampling";
import { DEMO_CASE } from "../../kernel/privacy/cases";

const lines: string[] = [];
let graph: TestGraph;

beforeAll(async () => {
  configureLogging({ level: "info", destination: { write: (line: string) => void lines.push(line) } });
  graph = await startTestGraph("embedded", 40);
  // Staff bindings are enforced: the residents who act as samplers and labs here are bound.
  await bindStaffEverywhere(graph, graph.city.residents.map((r) => r.personId));
}, 300_000);
afterAll(async () => {
  await graph?.stop();
  configureLogging({});
});

const logged = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
const PERSON = `id name documentNumber phone birthDate address healthCode { colour } checkIns { venue { name } } tests { status }`;

test("a full run across every role leaves no name, ID number or phone in any log line", async () => {
  const c = graph.city;
  const register = c.registers[0]!;
  const viewers: Viewer[] = [
    { role: "RESIDENT", subject: c.residents[0]!.personId },
    { role: "GUARDIAN", subject: c.bindings[0]!.guardianId },
    { role: "REGISTRAR", subject: c.residents[2]!.personId, venueIds: [register.venueId] },
    { role: "SAMPLER", subject: c.residents[5]!.personId, siteId: c.tubes[0]!.siteId },
    { role: "LAB", subject: c.residents[6]!.personId, agencyId: c.agencies[0]!.id },
    { role: "COMMUNITY_OFFICER", subject: c.residents[9]!.personId, community: c.residents[3]!.community },
    { role: "EPIDEMIOLOGIST", subject: c.residents[10]!.personId, purpose: "case 7" },
    { role: "AUDITOR", subject: c.residents[11]!.personId },
    { role: "APP", scopes: ["persons:read", "pii:NAME"] },
  ];
  for (const viewer of viewers) {
    await graph.query(`query Me { me { ${PERSON} } }`, undefined, viewer);
    for (const r of c.residents.slice(0, 8)) await graph.query(`query Person($id: ID!) { person(id: $id) { ${PERSON} } }`, { id: r.personId }, viewer);
    await graph.query(`query Wards { wards { ${PERSON} } }`, undefined, viewer);
    await graph.query(`query Registers { myRegisters { code checkIns { person { name documentNumber phone } } } }`, undefined, viewer);
  }
  const sampler = viewers[3]!;
  const tube = c.tubes[0]!.code;
  // Registration answers only inside the sampler's open session, so the ID numbers reach the silo.
  await openSamplingSession(graph, sampler);
  // An ID number and a phone in variables, a wrong check character, a literal ID number in the query text.
  await graph.query(`mutation Register($input: RegisterSampleInput!) { registerSample(input: $input) { documentMasked } }`, { input: { tubeCode: tube, documentNumber: c.residents[20]!.idNumber, phone: c.residents[20]!.phone } }, sampler);
  const wrong = c.residents[21]!.idNumber.slice(0, 17) + (c.residents[21]!.idNumber.endsWith("0") ? "1" : "0");
  await graph.query(`mutation Register($input: RegisterSampleInput!) { registerSample(input: $input) { documentMasked } }`, { input: { tubeCode: tube, documentNumber: wrong, phone: c.residents[21]!.phone } }, sampler);
  await graph.query(`mutation { registerSample(input: { tubeCode: "${tube}", documentNumber: "${c.residents[22]!.idNumber}", phone: "${c.residents[22]!.phone}" }) { documentMasked person { name } } }`, undefined, sampler);
  // Refusals: no token, a bad token, a hostile operation, a malformed scalar naming a person.
  await graph.query(`{ me { name } }`);
  await graph.query(`{ me { name } }`, undefined, "not-a-token");
  await graph.query(fragmentTree(12), undefined, viewers[0]);
  await graph.query(`query($id: ID!) { person(id: $id) { name } }`, { id: c.residents[23]!.idNumber }, viewers[6]);
  await graph.query(`mutation { reportRiskPoint(venueId: "${c.residents[24]!.name}", from: "${c.residents[24]!.phone}", to: "x") { id } }`, undefined, viewers[6]);

  const text = lines.join("");
  expect(lines.length).toBeGreaterThan(100);
  for (const r of c.residents) {
    expect(text).not.toContain(r.idNumber);
    expect(text).not.toContain(r.phone);
    expect(text).not.toContain(r.name);
  }
});

test("each request has one access log line, and the subgraphs log the gateway's request id", async () => {
  const requestId = "test-req-0001";
  const res = await fetch(graph.gateway.url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-request-id": requestId, authorization: `Bearer ${await graph.token({ role: "RESIDENT", subject: graph.city.residents[0]!.personId })}` },
    body: JSON.stringify({ query: "query Mine { me { name checkIns(last: 2) { venue { name } } tests { status } } }" }),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("x-request-id")).toBe(requestId);
  const mine = logged().filter((l) => l.requestId === requestId && l.msg === "request");
  const services = mine.map((l) => l.service);
  expect(services.filter((s) => s === "gateway")).toHaveLength(1);
  expect(services).toEqual(expect.arrayContaining(["health-code", "venues", "testing"]));
  expect(mine.find((l) => l.service === "gateway")).toMatchObject({ method: "POST", route: "/graphql", status: 200 });
});

test("/metrics on the gateway and every subgraph; unknown paths are 404, not GraphQL", async () => {
  const base = new URL(graph.gateway.url).origin;
  const gateway = await (await fetch(`${base}/metrics`)).text();
  expect(gateway).toMatch(/http_requests_total\{method="POST",route="\/graphql",status="200"\} \d+/);
  expect(gateway).toMatch(/graphql_operations_total\{type="query",outcome="ok"\} \d+/);
  expect(gateway).toMatch(/graphql_operations_total\{type="unknown",outcome="OPERATION_LIMIT_EXCEEDED"\} \d+/);
  expect(gateway).toMatch(/subgraph_fetch_duration_seconds_count\{subgraph="health_code",status="200"\} \d+/);
  expect(gateway).toContain("process_cpu_seconds_total");
  for (const running of Object.values(graph.subgraphs)) {
    const text = await (await fetch(running.url.replace(/\/graphql$/, "/metrics"))).text();
    expect(text).toContain("# TYPE http_requests_total counter");
    expect(text).toContain("# TYPE graphql_operation_duration_seconds histogram");
    expect(text).toContain("events_outbox_unpublished{stream=");
    expect(text).toContain("events_stats_up 1");
  }
  const unknown = await fetch(`${base}/nothing-here`);
  expect(unknown.status).toBe(404);
  expect(((await unknown.json()) as any).errors[0].extensions.code).toBe("NOT_FOUND");
  expect((await fetch(`${base}/metrics`, { method: "POST" })).status).toBe(405);
});

test("an operation that fails on the server is logged as an error with its request id", async () => {
  await graph.subgraphs.venues.stop();
  const res = await fetch(graph.gateway.url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-request-id": "test-req-fail1", authorization: `Bearer ${await graph.token({ role: "RESIDENT", subject: graph.city.residents[0]!.personId })}` },
    body: JSON.stringify({ query: "query Visits { me { checkIns(last: 2) { checkedInAt } } }" }),
  });
  const body = (await res.json()) as any;
  expect(body.errors?.length).toBeGreaterThan(0);
  const errorLines = logged().filter((l) => l.requestId === "test-req-fail1" && l.level === 50);
  expect(errorLines.length).toBeGreaterThan(0);
  expect(errorLines[0]).toMatchObject({ service: "gateway", operation: "Visits" });
});

test("a full disclosure's audit row carries the request id", async () => {
  const target = graph.city.residents[30]!;
  const res = await fetch(graph.gateway.url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-request-id": "test-req-audit1", authorization: `Bearer ${await graph.token({ role: "EPIDEMIOLOGIST", subject: graph.city.residents[10]!.personId, purpose: DEMO_CASE })}` },
    body: JSON.stringify({ query: "query Case($id: ID!) { person(id: $id) { name } }", variables: { id: target.personId } }),
  });
  expect(((await res.json()) as any).data.person.name).toBe(target.name);
  const rows = await graph.databases["health-code"].sql.query<{ request_id: string; operation: string }>("SELECT request_id, operation FROM disclosure_audit WHERE person_id = $1", [target.personId]);
  expect(rows).toEqual([{ request_id: "test-req-audit1", operation: "Case" }]);
});
