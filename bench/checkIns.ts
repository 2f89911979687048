// `npm run bench:checkins`: check-ins per second through the gateway, and the live feed's
// delivery latency (from sending the check-in to the registrar's SSE client receiving it) under
// that load. Services mode when TEST_DATABASE_URL is set (PostgreSQL), else embedded (PGlite).
// Everything (gateway, four subgraphs, feed, load generator) shares this one process. A
// benchmark, not a test: it asserts nothing about speed.
//   npm run bench:checkins -- [--seconds 10] [--concurrency 32] [--registers 8] [--colour] [--json]
import http from "node:http";
import { createClient } from "graphql-sse";
import { startTestGraph } from "../test/support/graph";
import { startFeed } from "../gateway/feed/server";
import { inProcessHints } from "../kernel/feed/hints";
import { TEST_DATABASE_URL } from "../test/support/services";
import { idFor, internalIdOf } from "../test/support/entityIds";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SECONDS = option("seconds", 10);
const CONCURRENCY = option("concurrency", 32);
const REGISTERS = option("registers", 8);
const COLOUR = args.includes("--colour");
const JSON_OUT = args.includes("--json");
const CHECK_IN = COLOUR ? `mutation C($code: String!) { checkIn(registerCode: $code) { id alert } }` : `mutation C($code: String!) { checkIn(registerCode: $code) { id } }`;
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

function post(url: string, body: unknown, authorization: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", agent, headers: { "content-type": "application/json", authorization } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        if (res.statusCode !== 200 || parsed.errors) reject(new Error(`check-in failed: ${res.statusCode} ${JSON.stringify(parsed.errors?.[0])}`));
        else resolve(parsed);
      });
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function main() {
  const mode = TEST_DATABASE_URL ? "services" : "embedded";
  const graph = await startTestGraph(mode, 300);
  const feed = await startFeed({ port: 0, gatewayUrl: graph.gateway.url, tokens: { hs256Secret: graph.secrets.tokenSecret }, hints: inProcessHints() });
  const clients: Array<ReturnType<typeof createClient>> = [];
  try {
    // One register per registrar, so each subscriber watches its own stream of visitors.
    const seen = new Set<string>();
    const registers = graph.city.registers.filter((r) => !seen.has(r.registrarId) && seen.add(r.registrarId)).slice(0, REGISTERS);
    const codes: string[] = [];
    for (const r of registers) {
      const res = await post(graph.gateway.url, { query: `{ myRegisters { id code } }` }, `Bearer ${await graph.token({ role: "REGISTRAR", subject: r.registrarId })}`);
      codes.push(res.data.myRegisters.find((x: { id: string }) => x.id === r.id).code);
    }
    const visitors = await Promise.all(graph.city.residents.slice(0, 200).map(async (p) => `Bearer ${await graph.token({ role: "RESIDENT", subject: p.personId }, 3600)}`));

    const arrived = new Map<string, number>();
    const sentAt = new Map<string, number>();
    await Promise.all(registers.map(async (r) => {
      const client = createClient({ url: feed.url, headers: { authorization: `Bearer ${await graph.token({ role: "REGISTRAR", subject: r.registrarId }, 3600)}` }, retryAttempts: 0 });
      clients.push(client);
      await new Promise<void>((connected) => {
        client.subscribe<{ checkIns: { id: string } }>({ query: `subscription { checkIns { id alert } }` }, {
          next: (m) => void (m.data && arrived.set(m.data.checkIns.id, performance.now())),
          error: (e) => console.error("feed error", e),
          complete: () => undefined,
        }, { connected: () => connected() });
      });
    }));

    let n = 0;
    const once = async () => {
      const i = n++;
      const t = performance.now();
      const res = await post(graph.gateway.url, { query: CHECK_IN, variables: { code: codes[i % codes.length] } }, visitors[i % visitors.length]!);
      // The visitor is given the check-in's id under the residents' audience key, the registrar
      // under the registrars' (docs/privacy.md): match the feed's rows by the registrar's id.
      const internal = internalIdOf(graph, { role: "RESIDENT" }, "CheckIn", res.data.checkIn.id as string);
      if (!internal) throw new Error("the check-in's id does not decode under the residents' audience key");
      sentAt.set(idFor(graph, { role: "REGISTRAR" }, "CheckIn", internal), t);
      return performance.now() - t;
    };
    for (let i = 0; i < 100; i++) await once(); // warm-up
    sentAt.clear();
    const latencies: number[] = [];
    const started = performance.now();
    const until = started + SECONDS * 1000;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) latencies.push(await once());
    }));
    const elapsed = (performance.now() - started) / 1000;
    // Let the feed drain what was in flight, then match arrivals to sends.
    const drainUntil = performance.now() + 10_000;
    while (performance.now() < drainUntil && [...sentAt.keys()].some((id) => !arrived.has(id))) await new Promise((r) => setTimeout(r, 50));
    const delivery = [...sentAt].filter(([id]) => arrived.has(id)).map(([id, t]) => arrived.get(id)! - t).sort((a, b) => a - b);
    latencies.sort((a, b) => a - b);
    const result = {
      mode, seconds: SECONDS, concurrency: CONCURRENCY, subscribers: registers.length, selection: COLOUR ? "id alert" : "id",
      checkInsPerSecond: Math.round(latencies.length / elapsed), checkIns: latencies.length,
      checkInP50Ms: +pct(latencies, 0.5).toFixed(1), checkInP99Ms: +pct(latencies, 0.99).toFixed(1),
      feedDelivered: delivery.length, feedMissing: sentAt.size - delivery.length,
      feedP50Ms: +pct(delivery, 0.5).toFixed(1), feedP99Ms: +pct(delivery, 0.99).toFixed(1),
    };
    if (JSON_OUT) console.log(JSON.stringify(result));
    else {
      console.log(`check-ins through the gateway (${mode}, ${CONCURRENCY} concurrent, ${registers.length} registrars watching, selection { ${result.selection} })`);
      console.log(`  ${result.checkInsPerSecond} check-ins/s  p50 ${result.checkInP50Ms} ms  p99 ${result.checkInP99Ms} ms  (${result.checkIns} in ${SECONDS} s)`);
      console.log(`  feed delivery (send → SSE client): p50 ${result.feedP50Ms} ms  p99 ${result.feedP99Ms} ms  (${result.feedDelivered} delivered, ${result.feedMissing} missing)`);
    }
  } finally {
    for (const c of clients) c.dispose();
    await feed.stop();
    await graph.stop();
    agent.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
