// `npm run bench:limits`: query (a) (a resident's status, latest test and check-ins) through the gateway,
// and, in the same run, the same data fetched straight from the subgraphs (the calls a client
// would make without the gateway), at the same concurrency. Prints throughput, p50 and p99 and
// the ratio gateway/direct. Beside it, a second gateway over the same subgraphs with the operation
// and rate limits off, driven in alternating rounds, gives what the limits cost (ratio on/off).
// A benchmark, not a test: it asserts nothing about speed.
//   npm run bench:limits -- [--seconds 5] [--concurrency 8] [--rounds 3] [--json]
import http from "node:http";
import { join } from "node:path";
import { startGateway } from "../gateway/server";
import { DEFAULT_LIMITS } from "../gateway/limits";
import { DEFAULT_RATE_LIMITS } from "../gateway/rateLimit/config";
import { SILOS, graphName } from "../kernel/config/silos";
import { signViewerHeader, VIEWER_HEADER } from "../kernel/auth/viewerHeader";
import { startTestGraph, type TestGraph } from "../test/support/graph";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SECONDS = option("seconds", 5);
const CONCURRENCY = option("concurrency", 8);
const ROUNDS = option("rounds", 3);
const JSON_OUT = args.includes("--json");

const QUERY_A = `query Resident { me { id name healthCode { colour label causes { kind } } latestTest { status resultAt } checkIns(last: 3) { checkedInAt venue { name } } } }`;
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function post(url: string, body: unknown, headers: Record<string, string>): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", agent, headers: { "content-type": "application/json", ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        if (res.statusCode !== 200 || parsed.errors) reject(new Error(`request failed: ${res.statusCode} ${JSON.stringify(parsed.errors?.[0]?.extensions?.code)}`));
        else resolve(parsed);
      });
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

interface Result { rps: number; p50Ms: number; p99Ms: number; requests: number; seconds: number }

async function drive(once: () => Promise<unknown>, latencies: number[] = [], warm = true): Promise<Result> {
  if (warm) for (let i = 0; i < 50; i++) await once(); // warm-up: JIT, connections, prepared plans
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        await once();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { rps: latencies.length / elapsed, p50Ms: at(0.5), p99Ms: at(0.99), requests: latencies.length, seconds: elapsed };
}

/** The calls a client makes without the gateway: testing and venues, then health-code with the result time. */
async function directOnce(graph: TestGraph, personId: string, header: string) {
  const h = { [VIEWER_HEADER]: header };
  const person = { __typename: "Person", id: personId };
  const [testing] = await Promise.all([
    post(graph.subgraphs.testing.url, { query: `query($r:[_Any!]!){ _entities(representations:$r){ ... on Person { latestNegativeResultAt latestTest { status resultAt } } } }`, variables: { r: [person] } }, h),
    post(graph.subgraphs.venues.url, { query: `query($r:[_Any!]!){ _entities(representations:$r){ ... on Person { checkIns(last: 3) { checkedInAt venue { name } } } } }`, variables: { r: [person] } }, h),
  ]);
  const latestNegativeResultAt = testing.data._entities[0].latestNegativeResultAt;
  await post(graph.subgraphs["health-code"].url, { query: `query($r:[_Any!]!){ _entities(representations:$r){ ... on Person { id name healthCode { colour label causes { kind } } } } }`, variables: { r: [{ ...person, latestNegativeResultAt }] } }, h);
}

async function main() {
  // Rate limits on with budgets one client can spend (their counting is what is measured).
  const budget = { points: 1_000_000, seconds: 10 };
  const graph = await startTestGraph("embedded", 300, { gateway: { rateLimits: { enabled: true, perAddress: budget, perSubject: budget, failedAuthPerAddress: budget } } });
  const unlimited = await startGateway({
    port: 0,
    subgraphUrls: Object.fromEntries(SILOS.map((s) => [graphName(s), graph.subgraphs[s].url])),
    supergraphPath: join(__dirname, "..", "schema", "supergraph.graphql"),
    secrets: graph.secrets,
    limits: { ...DEFAULT_LIMITS, enabled: false },
    rateLimits: { ...DEFAULT_RATE_LIMITS, enabled: false },
  });
  try {
    const resident = graph.city.residents.find((r) => graph.city.swabs.some((s) => s.personId === r.personId) && graph.city.checkIns.some((c) => c.personId === r.personId))!;
    const viewer = { role: "RESIDENT" as const, subject: resident.personId };
    const token = await graph.token(viewer, 3600);
    const header = await signViewerHeader(viewer, graph.secrets.viewerKey, 3600);
    const auth = { authorization: `Bearer ${token}` };
    const viaGateway = await drive(() => post(graph.gateway.url, { query: QUERY_A }, auth));
    const direct = await drive(() => directOnce(graph, resident.personId, header));
    // Limits on and off, in alternating rounds so drift on a shared machine hits both alike.
    const on: number[] = [];
    const off: number[] = [];
    let onTime = 0;
    let offTime = 0;
    await drive(() => post(unlimited.url, { query: QUERY_A }, auth), [], true);
    for (let round = 0; round < ROUNDS; round++) {
      const a = await drive(() => post(graph.gateway.url, { query: QUERY_A }, auth), on, false);
      onTime += a.seconds;
      const b = await drive(() => post(unlimited.url, { query: QUERY_A }, auth), off, false);
      offTime += b.seconds;
    }
    const limitsOn = on.length / onTime;
    const limitsOff = off.length / offTime;
    const scenario = {
      name: "resident-status-test-checkins",
      rps: round(viaGateway.rps),
      p50Ms: round(viaGateway.p50Ms),
      p99Ms: round(viaGateway.p99Ms),
      directRps: round(direct.rps),
      directP50Ms: round(direct.p50Ms),
      directP99Ms: round(direct.p99Ms),
      ratio: round(viaGateway.rps / direct.rps),
      limitsOnRps: round(limitsOn),
      limitsOffRps: round(limitsOff),
      limitsRatio: Math.round((limitsOn / limitsOff) * 1000) / 1000,
    };
    console.log(`query (a), embedded mode, ${CONCURRENCY} concurrent clients, ${SECONDS} s each, one process on ${require("node:os").cpus().length} cores`);
    console.log(`  via gateway : ${scenario.rps} req/s  p50 ${scenario.p50Ms} ms  p99 ${scenario.p99Ms} ms  (${viaGateway.requests} requests)`);
    console.log(`  direct      : ${scenario.directRps} req/s  p50 ${scenario.directP50Ms} ms  p99 ${scenario.directP99Ms} ms  (${direct.requests} requests of 3 subgraph calls)`);
    console.log(`  ratio gateway/direct throughput: ${scenario.ratio}`);
    console.log(`  limits on    : ${scenario.limitsOnRps} req/s, limits off: ${scenario.limitsOffRps} req/s (${ROUNDS} alternating rounds each)`);
    console.log(`  ratio limits on/off throughput: ${scenario.limitsRatio}`);
    if (JSON_OUT) console.log(JSON.stringify({ scenarios: [scenario] }));
  } finally {
    agent.destroy();
    await unlimited.stop();
    await graph.stop();
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
