// The planning budget: with every operation limit off, an operation whose query plan would take
// seconds is planned first in a worker thread, abandoned at the budget and answered with 400
// OPERATION_LIMIT_EXCEEDED (limit "planningTime"); the gateway's event loop never plans it, so
// /health stays responsive, and the same operation sent again is refused without planning.
// Ordinary operations are planned once in the worker and then served as usual.
import { DEFAULT_LIMITS } from "../../gateway/limits";
import { DEFAULT_PLANNING } from "../../gateway/planning/budget";
import { fragmentTree } from "./queries";
import { whileHealthProbed } from "./responsive";
import { postGraphQL, startTestGraph, type TestGraph } from "../support/graph";

// See limits.test.ts: 200 ms is the idle target, CI's two shared cores need more headroom.
const HEALTH_BUDGET_MS = 500;
const BUDGET_MS = 300;

let graph: TestGraph;
let auth: Record<string, string>;

beforeAll(async () => {
  graph = await startTestGraph("embedded", 20, {
    gateway: { limits: { ...DEFAULT_LIMITS, enabled: false }, planning: { ...DEFAULT_PLANNING, budgetMs: BUDGET_MS } },
  });
  const resident = graph.city.residents[0]!;
  auth = { authorization: `Bearer ${await graph.token({ role: "RESIDENT", subject: resident.personId })}` };
}, 300_000);
afterAll(() => graph?.stop());

const RESIDENT_QUERY = "query Me { me { name healthCode { colour } checkIns(last: 3) { checkedInAt venue { name } } } }";

test("an ordinary query is planned within the budget and answered", async () => {
  for (let i = 0; i < 2; i++) {
    const res = await postGraphQL(graph.gateway.url, RESIDENT_QUERY, undefined, auth);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.me.name).toBe(graph.city.residents[0]!.name);
  }
});

test("a plan over the budget is abandoned off the event loop: 400 planningTime, /health responsive, a repeat refused at once", async () => {
  // Twelve levels of the fragment tree: the planner alone would take many seconds (the tree of
  // eight levels already takes about half a second here).
  const query = fragmentTree(12);
  const { result, healthMs } = await whileHealthProbed(graph.gateway.url, () => postGraphQL(graph.gateway.url, query, undefined, auth));
  expect(healthMs).toBeLessThan(HEALTH_BUDGET_MS);
  expect(result.status).toBe(400);
  expect(result.body.data).toBeUndefined();
  expect(result.body.errors?.[0]?.extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", limit: "planningTime", max: BUDGET_MS });
  expect(result.body.errors?.[0]?.message).toMatch(/budget/);

  const started = performance.now();
  const again = await postGraphQL(graph.gateway.url, query, undefined, auth);
  expect(again.status).toBe(400);
  expect(again.body.errors?.[0]?.extensions?.limit).toBe("planningTime");
  // Refused from memory, not planned again up to the budget.
  expect(performance.now() - started).toBeLessThan(BUDGET_MS);

  // The worker was replaced; new operations are still planned and answered.
  const fresh = await postGraphQL(graph.gateway.url, "query Colour { me { healthCode { colour } } }", undefined, auth);
  expect(fresh.status).toBe(200);
  expect(fresh.body.errors).toBeUndefined();
  expect(fresh.body.data.me.healthCode.colour).toEqual(expect.any(String));
});

test("/metrics counts the guard's outcomes", async () => {
  const text = await (await fetch(new URL("/metrics", graph.gateway.url))).text();
  expect(text).toMatch(/gateway_planning_operations\{outcome="over_budget"\} [1-9]/);
  expect(text).toMatch(/gateway_planning_operations\{outcome="admitted"\} [1-9]/);
});
