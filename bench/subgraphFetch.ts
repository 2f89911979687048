// `npx tsx bench/subgraphFetch.ts`: the gateway→subgraph hop, measured two ways against one local
// HTTP server in its own process (so this process's CPU is the client's alone): the gateway's
// transport (kernel/http/keepAliveFetcher: http.request on a keep-alive agent, bounded queue and
// deadline) and an undici Pool with the same number of connections, each with a deadline per
// request. Rounds alternate so load from other work hits both alike. Prints requests per second and
// client CPU per request, and the ratios undici/ours. Issue 8 asks to switch to undici only if it
// measures at least as fast. undici is not a dependency of the project: install it anywhere and
// point UNDICI_PATH at it (e.g. `npm i --prefix /tmp/u undici@7.30.2`, UNDICI_PATH=/tmp/u/node_modules/undici).
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { DEADLINE_HEADER, keepAliveFetcher } from "../kernel/http/keepAliveFetcher";

const REQUESTS = Number(process.env.REQUESTS ?? 10_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const SOCKETS = 16;

// A subgraph-shaped answer (~1.5 KB) to a subgraph-shaped query.
const SERVER = `
const http = require("node:http");
const answer = JSON.stringify({ data: { _entities: Array.from({ length: 12 }, (_, i) => ({ __typename: "Person", id: "p_" + i, latestTests: [{ outcome: "NEGATIVE", swabbedAt: "2026-11-25T08:00:00.000Z", site: "site-" + i }] })) } });
const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => { res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(answer) }); res.end(answer); });
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;
const BODY = JSON.stringify({
  query: "query($representations:[_Any!]!){_entities(representations:$representations){...on Person{latestTests(first:1){outcome swabbedAt site}}}}",
  variables: { representations: Array.from({ length: 12 }, (_, i) => ({ __typename: "Person", id: `p_${i}` })) },
});

type Send = () => Promise<string>;
/** The part of undici's API used here (undici is not a dependency, so its types are not installed). */
interface Undici {
  Pool: new (origin: string, o: { connections: number; pipelining: number }) => {
    request(o: { path: string; method: string; headers: Record<string, string>; body: string; signal: AbortSignal }): Promise<{ body: { text(): Promise<string> } }>;
    close(): Promise<void>;
  };
}

async function run(send: Send): Promise<{ rps: number; cpuUsPerRequest: number }> {
  let next = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next++ < REQUESTS) if ((await send()).length < 100) throw new Error("short answer");
  }));
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { rps: (REQUESTS / ms) * 1000, cpuUsPerRequest: (used.user + used.system) / REQUESTS };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const undiciPath = process.env.UNDICI_PATH ?? "undici";
  let undici: Undici;
  let version: string;
  try {
    undici = require(undiciPath) as Undici;
    version = (require(`${undiciPath}/package.json`) as { version: string }).version;
  } catch {
    console.error(`undici not found at "${undiciPath}": set UNDICI_PATH (see the header of this file)`);
    process.exit(2);
  }
  const server = spawn(process.execPath, ["-e", SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve) => server.stdout!.once("data", (d: Buffer) => resolve(Number(d.toString().trim()))));
  const url = `http://127.0.0.1:${port}/graphql`;
  const headers = { "content-type": "application/json", accept: "application/json" };

  const ours = keepAliveFetcher({ maxSockets: SOCKETS, maxQueue: 1_000 });
  const sendOurs: Send = async () => {
    const res = await ours(url, { method: "POST", headers: { ...headers, [DEADLINE_HEADER]: String(Date.now() + 5_000) }, body: BODY });
    return res.text();
  };
  const pool = new undici.Pool(`http://127.0.0.1:${port}`, { connections: SOCKETS, pipelining: 1 });
  const sendUndici: Send = async () => {
    const { body } = await pool.request({ path: "/graphql", method: "POST", headers, body: BODY, signal: AbortSignal.timeout(5_000) });
    return body.text();
  };

  await run(sendOurs); // warm both up (JIT, sockets)
  await run(sendUndici);
  const results: Record<"http.request keep-alive (ours)" | "undici Pool", Array<{ rps: number; cpuUsPerRequest: number }>> = {
    "http.request keep-alive (ours)": [],
    "undici Pool": [],
  };
  for (let r = 0; r < ROUNDS; r++) {
    results["http.request keep-alive (ours)"].push(await run(sendOurs));
    results["undici Pool"].push(await run(sendUndici));
  }
  ours.destroy();
  await pool.close();
  server.kill();

  console.log(`${REQUESTS} requests × ${ROUNDS} rounds, ${CONCURRENCY} in flight, ${SOCKETS} sockets; undici ${version}; node ${process.version}`);
  console.log("| client | req/s (median) | client CPU µs/request (median) |\n| --- | --- | --- |");
  for (const [name, rs] of Object.entries(results)) {
    console.log(`| ${name} | ${median(rs.map((x) => x.rps)).toFixed(0)} | ${median(rs.map((x) => x.cpuUsPerRequest)).toFixed(1)} |`);
  }
  const o = results["http.request keep-alive (ours)"];
  const u = results["undici Pool"];
  console.log(`undici/ours: throughput ${(median(u.map((x) => x.rps)) / median(o.map((x) => x.rps))).toFixed(2)}, CPU per request ${(median(u.map((x) => x.cpuUsPerRequest)) / median(o.map((x) => x.cpuUsPerRequest))).toFixed(2)}`);
}

void main();
