// `npm run bench:http`: the project's hand-written HTTP bridge (`kernel/http/serve.ts`) against
// Fastify with Apollo's Fastify integration (`@as-integrations/fastify`), serving the same Apollo
// Server with the same per-request work (bench/support/httpTarget.ts). Each server is its own
// process; rounds alternate between them; CPU per request is read from /proc for the server
// process only. A one-field schema keeps the HTTP layer the bulk of the work, so the difference
// shows; compare it with the gateway's CPU per resident query (npm run bench) to see what it is
// worth. Prints JSON and a table; asserts nothing.
import { answers200, cpuSeconds, startService, stopServices, type Service } from "./support/processes";
import { closeAgent, drive, post } from "./support/load";
import { median } from "./support/stats";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const KINDS = ["node", "fastify"] as const;

async function main() {
  const services: Service[] = [];
  try {
    const ports = { node: 4591, fastify: 4592 };
    for (const kind of KINDS) {
      const base = `http://127.0.0.1:${ports[kind]}`;
      services.push(await startService(kind, "bench/support/httpTarget.ts", { HTTP_TARGET_KIND: kind, HTTP_TARGET_PORT: String(ports[kind]) }, `${base}/graphql`, answers200(`${base}/health`)));
    }
    const results: Record<string, Array<{ rps: number; cpuUsPerReq: number; p99Ms: number }>> = { node: [], fastify: [] };
    const once = (url: string) => (i: number) => post(url, { query: "query Hello($n: String!) { hello(name: $n) }", variables: { n: `v${i % 97}` } });
    for (const s of services) await drive(once(s.url), 1, CONCURRENCY); // warm-up
    for (let r = 0; r < ROUNDS; r++) {
      for (const s of r % 2 === 0 ? services : [...services].reverse()) {
        const cpu0 = cpuSeconds(s.proc.pid!);
        const run = await drive(once(s.url), SECONDS, CONCURRENCY);
        if (run.errors > 0) throw new Error(`${run.errors} failed requests: ${run.firstError}`);
        const cpu = cpuSeconds(s.proc.pid!) - cpu0;
        results[s.name]!.push({ rps: run.requests / run.seconds, cpuUsPerReq: (cpu / run.requests) * 1e6, p99Ms: run.p99Ms });
      }
    }
    const summary = Object.fromEntries(
      KINDS.map((k) => [k, { rps: median(results[k]!.map((x) => x.rps)), cpuUsPerReq: median(results[k]!.map((x) => x.cpuUsPerReq)), p99Ms: median(results[k]!.map((x) => x.p99Ms)), rounds: results[k] }]),
    );
    const ratio = { rps: summary.fastify!.rps / summary.node!.rps, cpuPerReq: summary.fastify!.cpuUsPerReq / summary.node!.cpuUsPerReq };
    console.log(JSON.stringify({ rounds: ROUNDS, seconds: SECONDS, concurrency: CONCURRENCY, loadavg: require("node:fs").readFileSync("/proc/loadavg", "utf8").trim(), summary, ratio }, null, 2));
    console.log("\nserver   req/s (median)   CPU µs/req (median)   p99 ms");
    for (const k of KINDS) console.log(`${k.padEnd(8)} ${summary[k]!.rps.toFixed(0).padStart(14)} ${summary[k]!.cpuUsPerReq.toFixed(0).padStart(21)} ${summary[k]!.p99Ms.toFixed(1).padStart(8)}`);
    console.log(`fastify / node: req/s ${ratio.rps.toFixed(2)}, CPU per request ${ratio.cpuPerReq.toFixed(2)}`);
  } finally {
    closeAgent();
    await stopServices(services);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
