// The gateway's HTTP transport to one subgraph: an undici Pool per origin (issue 8 prefers a
// maintained client, and `npx tsx bench/subgraphFetch.ts` measured undici at 1.5–1.65× the
// throughput of the hand-written http.request keep-alive transport at 0.65–0.68 of its client CPU).
// The response is a plain object, not a WHATWG Response (whose construction shows up in profiles).
//
// Three guards keep a slow subgraph from piling up the gateway:
// - at most `maxSockets` requests in flight, and at most `maxQueue` waiting for a socket: beyond
//   that a request is refused at once (SubgraphOverloaded) instead of queueing without bound
//   (the Pool's own queue is never used: it would not be bounded);
// - one deadline per request, read from the DEADLINE_HEADER the data source sets, that bounds the
//   wait for a socket, the connection and the response together (SubgraphTimeout);
// - the Pool keeps at most `maxSockets` connections, reused while idle.
import type { IncomingHttpHeaders } from "node:http";
import { Pool, type Dispatcher } from "undici";
import type { Fetcher, FetcherHeaders, FetcherRequestInit, FetcherResponse } from "@apollo/utils.fetcher";

/** Epoch milliseconds by which the whole fetch must be over; set by the gateway's data source. */
export const DEADLINE_HEADER = "x-request-deadline";

/** The subgraph's queue is full: refused without being sent. */
export class SubgraphOverloaded extends Error {
  readonly code = "SUBGRAPH_OVERLOADED";
}
/**
 * The request's deadline passed while it waited or ran. `sent`: whether the request had gone out
 * to the subgraph (which may then have acted on it) or was still waiting to be sent.
 */
export class SubgraphTimeout extends Error {
  readonly code = "SUBGRAPH_TIMEOUT";
  constructor(message: string, readonly sent: boolean) {
    super(message);
  }
}

export interface KeepAliveFetcherOptions {
  /** Requests in flight at once (default 64). */
  maxSockets?: number;
  /** Requests waiting for one of those sockets (default 256); more are refused. */
  maxQueue?: number;
  /** Deadline when a request carries none (default 10 s). */
  defaultTimeoutMs?: number;
}

export interface FetcherLoad {
  inFlight: number;
  queued: number;
  refused: number;
  timedOut: number;
}

export type LimitedFetcher = Fetcher & {
  destroy(): void;
  load(): FetcherLoad;
  /** True when a request now would be refused (every socket busy and the queue full). */
  saturated(): boolean;
  /** Counts a request refused by the caller because saturated() was true. */
  refuse(): SubgraphOverloaded;
};

class PlainHeaders implements FetcherHeaders {
  constructor(private readonly h: IncomingHttpHeaders) {}
  get(name: string): string | null {
    const v = this.h[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
  }
  has(name: string): boolean {
    return this.h[name.toLowerCase()] !== undefined;
  }
  append(): void {
    throw new Error("response headers are read-only");
  }
  set = this.append;
  delete = this.append;
  *entries(): IterableIterator<[string, string]> {
    for (const k of Object.keys(this.h)) yield [k, this.get(k)!];
  }
  *keys(): IterableIterator<string> {
    yield* Object.keys(this.h);
  }
  *values(): IterableIterator<string> {
    for (const [, v] of this.entries()) yield v;
  }
  [Symbol.iterator]() {
    return this.entries();
  }
}

/**
 * The abort signal of one request: undici takes an EventEmitter-shaped signal as well as an
 * AbortSignal, and this one costs a small object where an AbortController builds an EventTarget
 * (both showed in the gateway's profile, once per subgraph call).
 */
class DeadlineSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners: Array<() => void> = [];
  on(_event: "abort", listener: () => void): this {
    this.listeners.push(listener);
    return this;
  }
  once(event: "abort", listener: () => void): this {
    return this.on(event, listener);
  }
  removeListener(_event: "abort", listener: () => void): this {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
    return this;
  }
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    for (const listener of this.listeners.splice(0)) listener();
  }
}

function plainResponse(url: string, status: number, statusText: string, headers: IncomingHttpHeaders, body: string): FetcherResponse {
  const text = () => Promise.resolve(body);
  const response: FetcherResponse = {
    bodyUsed: false,
    url,
    redirected: false,
    status,
    ok: status >= 200 && status < 300,
    statusText,
    headers: new PlainHeaders(headers),
    text,
    json: async () => JSON.parse(body),
    arrayBuffer: async () => {
      const bytes = Buffer.from(body, "utf8");
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
    clone: () => response,
  };
  return response;
}

/** A Fetcher with a bounded queue and a per-request deadline, for one subgraph's data source. */
export function keepAliveFetcher(options: KeepAliveFetcherOptions = {}): LimitedFetcher {
  const maxSockets = options.maxSockets ?? 64;
  const maxQueue = options.maxQueue ?? 256;
  const pools = new Map<string, Pool>();
  const poolFor = (origin: string): Pool => {
    let pool = pools.get(origin);
    if (!pool) pools.set(origin, (pool = new Pool(origin, { connections: maxSockets, pipelining: 1 })));
    return pool;
  };
  // A data source calls one URL over and over: parse it once.
  const targets = new Map<string, { origin: string; path: string }>();
  const targetOf = (url: string) => {
    let target = targets.get(url);
    if (!target) {
      const u = new URL(url);
      if (targets.size < 64) targets.set(url, (target = { origin: u.origin, path: `${u.pathname}${u.search}` }));
      else target = { origin: u.origin, path: `${u.pathname}${u.search}` };
    }
    return target;
  };
  const waiting: Array<() => void> = [];
  const load: FetcherLoad = { inFlight: 0, queued: 0, refused: 0, timedOut: 0 };

  const refuse = () => (load.refused++, new SubgraphOverloaded("too many requests are already waiting for this subgraph"));
  const release = () => {
    load.inFlight--;
    const next = waiting.shift();
    if (next) next();
  };

  // Resolves when a slot is ours; rejects when the queue is full or the deadline passes first.
  const acquire = (deadline: number): Promise<void> => {
    if (load.inFlight < maxSockets) return (load.inFlight++, Promise.resolve());
    if (waiting.length >= maxQueue) return Promise.reject(refuse());
    return new Promise((resolve, reject) => {
      const take = () => {
        clearTimeout(timer);
        load.queued--;
        load.inFlight++;
        resolve();
      };
      const timer = setTimeout(() => {
        const i = waiting.indexOf(take);
        if (i >= 0) waiting.splice(i, 1);
        load.queued--;
        load.timedOut++;
        reject(new SubgraphTimeout("the request's deadline passed while it waited for a connection", false));
      }, Math.max(0, deadline - Date.now()));
      load.queued++;
      waiting.push(take);
    });
  };

  const send = async (url: string, init: FetcherRequestInit, deadline: number): Promise<FetcherResponse> => {
    const { origin, path } = targetOf(url);
    // One timer for connection and response together; aborting frees the connection.
    const signal = new DeadlineSignal();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      load.timedOut++;
      signal.abort(new SubgraphTimeout("the request's deadline passed before the subgraph answered", true));
    }, Math.max(0, deadline - Date.now()));
    try {
      const res = await poolFor(origin).request({
        path, method: (init.method ?? "GET") as Dispatcher.HttpMethod, headers: init.headers, body: init.body, signal: signal as unknown as AbortSignal,
      });
      return plainResponse(url, res.statusCode, "", res.headers as IncomingHttpHeaders, await res.body.text());
    } catch (err) {
      if (timedOut) throw new SubgraphTimeout("the request's deadline passed before the subgraph answered", true);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  };

  const fetcher = async (url: string, init: FetcherRequestInit = {}): Promise<FetcherResponse> => {
    const given = Number(init.headers?.[DEADLINE_HEADER]);
    const deadline = Number.isFinite(given) && given > 0 ? given : Date.now() + (options.defaultTimeoutMs ?? 10_000);
    if (deadline <= Date.now()) {
      load.timedOut++;
      throw new SubgraphTimeout("the request's deadline passed before it was sent", false);
    }
    await acquire(deadline);
    try {
      return await send(url, init, deadline);
    } finally {
      release();
    }
  };
  return Object.assign(fetcher, {
    destroy: () => pools.forEach((p) => void p.destroy().catch(() => undefined)),
    load: () => ({ ...load }),
    saturated: () => load.inFlight >= maxSockets && waiting.length >= maxQueue,
    refuse,
  });
}
