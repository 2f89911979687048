// Readiness a load balancer can use: the gateway is ready when it can serve, that is when at least
// one subgraph answers its /ready (each silo's fields degrade on their own, so one dead silo must
// not take the whole graph out of rotation). Each subgraph's state is in the body and in /metrics.
import http from "node:http";
import type { SubgraphClientStats } from "./subgraphClient";

export interface SubgraphReadiness extends Partial<SubgraphClientStats> {
  name: string;
  ready: boolean;
}

/** GET url with a short timeout, outside every pool and breaker: true on a 2xx. */
function probe(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 300);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

/** Asks each subgraph's /ready (beside its /graphql) and adds its client's breaker and queue figures. */
export async function checkSubgraphs(urls: Record<string, string>, stats: (name: string) => SubgraphClientStats | undefined, timeoutMs = 2000): Promise<SubgraphReadiness[]> {
  return Promise.all(
    Object.entries(urls).map(async ([name, url]) => ({ name, ready: await probe(new URL("/ready", url).toString(), timeoutMs), ...stats(name) })),
  );
}

/** Whether the gateway can serve: some subgraph answers. */
export function gatewayReady(subgraphs: SubgraphReadiness[]): boolean {
  return subgraphs.some((s) => s.ready);
}

/** The /ready body: overall status, and each subgraph on its own. */
export function readinessBody(subgraphs: SubgraphReadiness[]): { status: string; degraded: string[]; subgraphs: SubgraphReadiness[] } {
  const ready = gatewayReady(subgraphs);
  const degraded = subgraphs.filter((s) => !s.ready || s.breaker === "open").map((s) => s.name);
  return { status: ready ? (degraded.length ? "degraded" : "ready") : "not ready", degraded, subgraphs };
}

const BREAKER_VALUE = { closed: 0, "half-open": 1, open: 2 } as const;

/** Prometheus text of each subgraph's readiness, breaker and queue (label: subgraph name only). */
export function renderSubgraphMetrics(subgraphs: SubgraphReadiness[]): string {
  const families: Array<[string, string, (s: SubgraphReadiness) => number]> = [
    ["gateway_subgraph_ready", "1 when the subgraph answers its /ready.", (s) => (s.ready ? 1 : 0)],
    ["gateway_subgraph_breaker_state", "Circuit breaker: 0 closed, 1 half-open, 2 open.", (s) => BREAKER_VALUE[s.breaker ?? "closed"]],
    ["gateway_subgraph_in_flight", "Requests in flight to the subgraph.", (s) => s.inFlight ?? 0],
    ["gateway_subgraph_queued", "Requests waiting for a connection to the subgraph.", (s) => s.queued ?? 0],
  ];
  const counters: Array<[string, string, (s: SubgraphReadiness) => number]> = [
    ["gateway_subgraph_refused_total", "Requests refused because the subgraph's queue was full.", (s) => s.refused ?? 0],
    ["gateway_subgraph_timed_out_total", "Requests whose deadline passed waiting for or calling the subgraph.", (s) => s.timedOut ?? 0],
    ["gateway_subgraph_breaker_rejected_total", "Calls refused at once while the subgraph's breaker was open.", (s) => s.rejected ?? 0],
  ];
  const lines: string[] = [];
  for (const [type, list] of [["gauge", families], ["counter", counters]] as const) {
    for (const [name, help, value] of list) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const s of subgraphs) lines.push(`${name}{subgraph="${s.name}"} ${value(s)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
