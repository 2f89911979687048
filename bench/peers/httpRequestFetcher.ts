// The gateway's transport before it moved to undici (kernel/http/keepAliveFetcher.ts until issue 8's
// measurement), kept verbatim as the "before" of bench/subgraphFetch.ts; nothing else uses it.
//
// The gateway's HTTP transport to one subgraph. One Node-to-Node hop over http.request on a
// keep-alive agent costs far less CPU per request than the global fetch or make-fetch-happen
// (measured on these machines: about 6× less than fetch), and every gateway request makes several
// such hops. The response is a plain object, not a WHATWG Response (whose construction shows up in
// profiles).
//
// Three guards keep a slow subgraph from piling up the gateway:
// - at most `maxSockets` requests in flight, and at most `maxQueue` waiting for a socket: beyond
//   that a request is refused at once (SubgraphOverloaded) instead of queueing without bound;
// - one deadline per request, read from the DEADLINE_HEADER the data source sets, that bounds the
//   wait for a socket, the connection and the response together (SubgraphTimeout);
// - sockets are the agent's, so idle connections are reused and capped.
import http, { type IncomingHttpHeaders } from "node:http";
import https from "node:https";
import type { Fetcher, FetcherHeaders, FetcherRequestInit, FetcherResponse } from "@apollo/utils.fetcher";

import { DEADLINE_HEADER, SubgraphOverloaded, SubgraphTimeout } from "../../kernel/http/keepAliveFetcher";

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

function plainResponse(url: string, status: number, statusText: string, headers: IncomingHttpHeaders, body: Buffer): FetcherResponse {
  const text = () => Promise.resolve(body.toString("utf8"));
  const response: FetcherResponse = {
    bodyUsed: false,
    url,
    redirected: false,
    status,
    ok: status >= 200 && status < 300,
    statusText,
    headers: new PlainHeaders(headers),
    text,
    json: async () => JSON.parse(body.toString("utf8")),
    arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
    clone: () => response,
  };
  return response;
}

/** A Fetcher with a bounded queue and a per-request deadline, for one subgraph's data source. */
export function httpRequestFetcher(options: KeepAliveFetcherOptions = {}): LimitedFetcher {
  const maxSockets = options.maxSockets ?? 64;
  const maxQueue = options.maxQueue ?? 256;
  const agentOptions = { keepAlive: true, maxSockets, keepAliveMsecs: 1000 };
  const agents = { "http:": new http.Agent(agentOptions), "https:": new https.Agent(agentOptions) };
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

  const send = (url: string, init: FetcherRequestInit, deadline: number): Promise<FetcherResponse> =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const transport = target.protocol === "https:" ? https : http;
      const req = transport.request(target, { method: init.method ?? "GET", headers: init.headers, agent: agents[target.protocol as "http:" | "https:"] }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          clearTimeout(timer);
          resolve(plainResponse(url, res.statusCode ?? 502, res.statusMessage ?? "", res.headers, Buffer.concat(chunks)));
        });
      });
      // One timer for connection and response together; destroying the socket frees the slot.
      const timer = setTimeout(() => {
        load.timedOut++;
        req.destroy(new SubgraphTimeout("the request's deadline passed before the subgraph answered", true));
      }, Math.max(0, deadline - Date.now()));
      req.on("error", (err) => (clearTimeout(timer), reject(err)));
      if (init.body !== undefined) req.write(init.body);
      req.end();
    });

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
    destroy: () => Object.values(agents).forEach((a) => a.destroy()),
    load: () => ({ ...load }),
    saturated: () => load.inFlight >= maxSockets && waiting.length >= maxQueue,
    refuse,
  });
}
