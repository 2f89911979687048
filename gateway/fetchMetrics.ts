// Times every gateway → subgraph call by subgraph and status, around whichever fetcher the
// gateway uses, so the histogram survives a change of HTTP client; and, when tracing is on,
// adds the W3C `traceparent` of the current span (the gateway's fetch span) to the call.
import type { Fetcher } from "@apollo/utils.fetcher";
import { Histogram, type Registry } from "prom-client";
import { withTraceHeaders } from "../kernel/observability";

/** The histogram of subgraph calls on `registry` (made once per registry). */
function fetchHistogram(registry: Registry): Histogram {
  const existing = registry.getSingleMetric("subgraph_fetch_duration_seconds");
  if (existing) return existing as Histogram;
  return new Histogram({
    name: "subgraph_fetch_duration_seconds",
    help: "Time of one gateway call to a subgraph, by subgraph and HTTP status (or error).",
    labelNames: ["subgraph", "status"],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
}

/** Wraps one subgraph's `fetcher` so each call is observed in subgraph_fetch_duration_seconds. */
export function measuredFetcher<F extends Fetcher>(fetcher: F, registry: Registry, subgraph: string): Fetcher {
  const histogram = fetchHistogram(registry);
  return async (url, init) => {
    const started = performance.now();
    try {
      const res = await fetcher(url, init && { ...init, headers: withTraceHeaders(init.headers as Record<string, string> | undefined) });
      histogram.observe({ subgraph, status: String(res.status) }, (performance.now() - started) / 1000);
      return res;
    } catch (err) {
      histogram.observe({ subgraph, status: "error" }, (performance.now() - started) / 1000);
      throw err;
    }
  };
}
