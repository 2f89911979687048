// `npm run bench`: query (a) (a resident's status, latest test and check-ins) through the gateway,
// and, in the same run, the same data fetched straight from the subgraphs (the calls a client
// would make without the gateway), at the same concurrency. Prints throughput, p50 and p99 and
// the ratio gateway/direct. A benchmark, not a test: it asserts nothing about speed.
//   npm run bench -- [--seconds 5] [--concurrency 8] [--json]
import http from "node:http";
import { signViewerHeader, VIEWER_HEADER } from "../kernel/auth/viewerHeader";
import { startTestGraph, type TestGraph } from "../test/support/graph";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SECONDS = option("seconds", 5);
const CONCURRENCY = option("concurrency", 8);
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

interface Result { rps: number; p50Ms: number; p99Ms: number; requests: number }

async function drive(once: () => Promise<unknown>): Promise<Result> {
  for (let i = 0; i < 50; i++) await once(); // warm-up: JIT, connections, prepared plans
  const latencies: number[] = [];
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
  return { rps: latencies.length / elapsed, p50Ms: at(0.5), p99Ms: at(0.99), requests: latencies.length };
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
  const graph = await startTestGraph("embedded", 300);
  try {
    const resident = graph.city.residents.find((r) => graph.city.swabs.some((s) => s.personId === r.personId) && graph.city.checkIns.some((c) => c.personId === r.personId))!;
    const viewer = { role: "RESIDENT" as const, subject: resident.personId };
    const token = await graph.token(viewer, 3600);
    const header = await signViewerHeader(viewer, graph.secrets.viewerKey, 3600);
    const viaGateway = await drive(() => post(graph.gateway.url, { query: QUERY_A }, { authorization: `Bearer ${token}` }));
    const direct = await drive(() => directOnce(graph, resident.personId, header));
    const scenario = {
      name: "resident-status-test-checkins",
      rps: round(viaGateway.rps),
      p50Ms: round(viaGateway.p50Ms),
      p99Ms: round(viaGateway.p99Ms),
      directRps: round(direct.rps),
      directP50Ms: round(direct.p50Ms),
      directP99Ms: round(direct.p99Ms),
      ratio: round(viaGateway.rps / direct.rps),
    };
    console.log(`query (a), embedded mode, ${CONCURRENCY} concurrent clients, ${SECONDS} s each, one process on ${require("node:os").cpus().length} cores`);
    console.log(`  via gateway : ${scenario.rps} req/s  p50 ${scenario.p50Ms} ms  p99 ${scenario.p99Ms} ms  (${viaGateway.requests} requests)`);
    console.log(`  direct      : ${scenario.directRps} req/s  p50 ${scenario.directP50Ms} ms  p99 ${scenario.directP99Ms} ms  (${direct.requests} requests of 3 subgraph calls)`);
    console.log(`  ratio gateway/direct throughput: ${scenario.ratio}`);
    if (JSON_OUT) console.log(JSON.stringify({ scenarios: [scenario] }));
  } finally {
    agent.destroy();
    await graph.stop();
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
