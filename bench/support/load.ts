// The load generator: keep-alive HTTP POSTs of GraphQL requests at a fixed concurrency for a
// fixed time, counting requests and latencies. Only answers without errors count as requests:
// a failed request (HTTP error, GraphQL error, e.g. a subgraph call over its deadline on a loaded
// machine) is counted apart in `errors`, with the first one's text, and the report shows it, so a
// benchmark never reports the speed of failures and one failure does not end a long run.
import http from "node:http";

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** POSTs JSON and resolves the parsed body; rejects on a non-200 status or GraphQL errors. */
export function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", agent, headers: { "content-type": "application/json", ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed: any;
        try {
          parsed = JSON.parse(text);
        } catch {
          return reject(new Error(`${url}: ${res.statusCode} ${text.slice(0, 200)}`));
        }
        if (res.statusCode !== 200 || parsed.errors) reject(new Error(`${url}: ${res.statusCode} ${JSON.stringify(parsed.errors?.[0] ?? parsed).slice(0, 300)}`));
        else resolve(parsed);
      });
    });
    req.on("error", reject);
    // A string is a body serialised ahead (a large upload, so its serialising is not timed).
    req.end(typeof body === "string" ? body : JSON.stringify(body));
  });
}

export interface Run {
  /** Requests answered without errors. */
  requests: number;
  /** Requests that failed, and the first failure. */
  errors: number;
  firstError?: string;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
}

/** Runs `once(i)` (i counts requests, to rotate viewers) from `concurrency` loops for `seconds`. */
export async function drive(once: (i: number) => Promise<unknown>, seconds: number, concurrency: number): Promise<Run> {
  const latencies: number[] = [];
  let i = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        try {
          await once(i++);
          latencies.push(performance.now() - t);
        } catch (err) {
          errors += 1;
          firstError ??= String(err instanceof Error ? err.message : err).slice(0, 300);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { requests: latencies.length, errors, firstError, seconds: elapsed, p50Ms: at(0.5), p99Ms: at(0.99) };
}

export function closeAgent(): void {
  agent.destroy();
}
