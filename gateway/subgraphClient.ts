// One subgraph's client at the gateway: its own bounded transport (kernel/http/keepAliveFetcher)
// behind a circuit breaker (opossum). While a subgraph fails, the breaker opens and every call
// fails at once instead of waiting out its deadline; after `resetTimeoutMs` one call probes it,
// and the breaker closes again when that call succeeds.
import CircuitBreaker from "opossum";
import type { Fetcher, FetcherRequestInit, FetcherResponse } from "@apollo/utils.fetcher";
import { keepAliveFetcher, type FetcherLoad, type KeepAliveFetcherOptions } from "../kernel/http/keepAliveFetcher";

/** The subgraph answered 502/503/504: it is up but cannot serve (counts against the breaker). */
export class SubgraphUnavailable extends Error {
  readonly code = "SUBGRAPH_UNAVAILABLE";
}

export interface SubgraphClientOptions extends KeepAliveFetcherOptions {
  /** Failure percentage over the rolling window that opens the breaker (default 50). */
  errorThresholdPercentage?: number;
  /** Calls in the window before the breaker may open (default 5). */
  volumeThreshold?: number;
  /** Rolling window (default 10 s). */
  rollingWindowMs?: number;
  /** How long the breaker stays open before one probe (default 5 s). */
  resetTimeoutMs?: number;
}

export type BreakerState = "closed" | "open" | "half-open";

export interface SubgraphClientStats extends FetcherLoad {
  breaker: BreakerState;
  /** Calls refused because the breaker was open, since start. */
  rejected: number;
}

export interface SubgraphClient {
  readonly name: string;
  /** The Fetcher for this subgraph's data source: guarded by the queue, the deadline and the breaker. */
  fetch: Fetcher;
  stats(): SubgraphClientStats;
  destroy(): void;
}

/** Creates the client of one subgraph. */
export function subgraphClient(name: string, options: SubgraphClientOptions = {}): SubgraphClient {
  const transport = keepAliveFetcher(options);
  const call = async (url: string, init?: FetcherRequestInit): Promise<FetcherResponse> => {
    const res = await transport(url, init);
    if (res.status === 502 || res.status === 503 || res.status === 504) throw new SubgraphUnavailable(`${name} answered ${res.status}`);
    return res;
  };
  const breaker = new CircuitBreaker(call, {
    timeout: false, // the request's own deadline bounds every call (keepAliveFetcher)
    errorThresholdPercentage: options.errorThresholdPercentage ?? 50,
    volumeThreshold: options.volumeThreshold ?? 5,
    rollingCountTimeout: options.rollingWindowMs ?? 10_000,
    resetTimeout: options.resetTimeoutMs ?? 5_000,
  });
  // opossum emits 'failure'/'reject' events; with no listener they are harmless, but keep one so
  // a future 'error' listener requirement never crashes the gateway.
  breaker.on("failure", () => undefined);
  return {
    name,
    // A full queue refuses before the breaker, so refusals neither count as successes (which would
    // keep it closed while every admitted call times out) nor as the subgraph's failures.
    fetch: (url, init) => (transport.saturated() ? Promise.reject(transport.refuse()) : breaker.fire(url, init)),
    stats: () => ({
      ...transport.load(),
      breaker: breaker.opened ? "open" : breaker.halfOpen ? "half-open" : "closed",
      rejected: breaker.stats.rejects,
    }),
    destroy() {
      breaker.shutdown();
      transport.destroy();
    },
  };
}

/** True for an error meaning "the breaker is open": the call was never sent. */
export function isBreakerOpen(err: unknown): boolean {
  return (err as { code?: unknown })?.code === "EOPENBREAKER";
}
