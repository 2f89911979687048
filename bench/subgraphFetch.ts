// `npx tsx bench/subgraphFetch.ts`: the gateway→subgraph hop, measured three ways against one local
// HTTP server in its own process (so this process's CPU is the client's alone): bare http.request on
// a keep-alive agent, the gateway's transport before (bench/peers/httpRequestFetcher.ts: that, behind
// a bounded queue and a deadline), a bare undici Pool with the same connections, and the gateway's
// transport now (kernel/http/keepAliveFetcher: an undici Pool behind the same queue and deadline). Rounds
// alternate so load from other work hits all alike. Prints requests per second, client CPU per
// request, and ratios to http.request. Issue 8 asked to switch to undici only if it measured at
// least as fast; it did.
import { spawn } from "node:child_process";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { Pool } from "undici";
import { DEADLINE_HEADER, keepAliveFetcher } from "../kernel/http/keepAliveFetcher";
import { httpRequestFetcher } from "./peers/httpRequestFetcher";
import { median } from "./support/stats";

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


async function main(): Promise<void> {
  const server = spawn(process.execPath, ["-e", SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve) => server.stdout!.once("data", (d: Buffer) => resolve(Number(d.toString().trim()))));
  const url = `http://127.0.0.1:${port}/graphql`;
  const headers = { "content-type": "application/json", accept: "application/json" };

  const agent = new http.Agent({ keepAlive: true, maxSockets: SOCKETS, keepAliveMsecs: 1000 });
  const sendHttp: Send = () =>
    new Promise((resolve, reject) => {
      const req = http.request(new URL(url), { method: "POST", headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => (clearTimeout(timer), resolve(Buffer.concat(chunks).toString("utf8"))));
      });
      const timer = setTimeout(() => req.destroy(new Error("deadline")), 5_000);
      req.on("error", (err) => (clearTimeout(timer), reject(err)));
      req.end(BODY);
    });
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: SOCKETS, pipelining: 1 });
  const sendUndici: Send = async () => {
    const { body } = await pool.request({ path: "/graphql", method: "POST", headers, body: BODY, signal: AbortSignal.timeout(5_000) });
    return body.text();
  };
  const ours = keepAliveFetcher({ maxSockets: SOCKETS, maxQueue: 1_000 });
  const sendOurs: Send = async () => {
    const res = await ours(url, { method: "POST", headers: { ...headers, [DEADLINE_HEADER]: String(Date.now() + 5_000) }, body: BODY });
    return res.text();
  };
  const before = httpRequestFetcher({ maxSockets: SOCKETS, maxQueue: 1_000 });
  const sendBefore: Send = async () => {
    const res = await before(url, { method: "POST", headers: { ...headers, [DEADLINE_HEADER]: String(Date.now() + 5_000) }, body: BODY });
    return res.text();
  };
  const clients: Record<string, Send> = {
    "http.request keep-alive (bare)": sendHttp,
    "gateway transport before (http.request, bounded)": sendBefore,
    "undici Pool (bare)": sendUndici,
    "gateway transport (undici, bounded)": sendOurs,
  };
  const results: Record<string, Array<{ rps: number; cpuUsPerRequest: number }>> = {};
  for (const [name, send] of Object.entries(clients)) (results[name] = []), await run(send); // warm-up: JIT, sockets
  for (let r = 0; r < ROUNDS; r++) for (const [name, send] of Object.entries(clients)) results[name]!.push(await run(send));
  agent.destroy();
  before.destroy();
  await pool.close();
  ours.destroy();
  server.kill();

  const version = (require("undici/package.json") as { version: string }).version;
  console.log(`${REQUESTS} requests × ${ROUNDS} rounds, ${CONCURRENCY} in flight, ${SOCKETS} sockets; undici ${version}; node ${process.version}`);
  console.log("| client | req/s (median) | client CPU µs/request (median) | throughput / http.request | CPU / http.request |\n| --- | --- | --- | --- | --- |");
  const base = results["http.request keep-alive (bare)"]!;
  const rps = (rs: typeof base) => median(rs.map((x) => x.rps));
  const cpu = (rs: typeof base) => median(rs.map((x) => x.cpuUsPerRequest));
  for (const [name, rs] of Object.entries(results)) {
    console.log(`| ${name} | ${rps(rs).toFixed(0)} | ${cpu(rs).toFixed(1)} | ${(rps(rs) / rps(base)).toFixed(2)} | ${(cpu(rs) / cpu(base)).toFixed(2)} |`);
  }
}

void main();
