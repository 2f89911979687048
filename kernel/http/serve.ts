// Serves an Apollo Server over Node's http module, with plain routes beside it (/health, /ready,
// /metrics). Apollo Server 5 ships no framework integration in its core; this is the same
// bridge its standalone server uses, without the framework.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HeaderMap, type ApolloServer, type BaseContext } from "@apollo/server";
import { assignRequestId, createObservability, REQUEST_ID_HEADER, scrub, withServerSpan, type Observability } from "../observability";

export type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface ServeOptions<C extends BaseContext> {
  port: number;
  host?: string;
  context: (req: IncomingMessage) => Promise<C>;
  routes?: Record<string, Route>;
  /** Largest request body accepted (bulk result uploads are the largest legitimate bodies). */
  maxBodyBytes?: number;
  /** Logs and metrics (GET /metrics serves its registry); a fresh set named "service" by default. */
  observability?: Observability;
  /** Answers a POSTed JSON body without Apollo when it can (kernel/runtime/knownQueries.ts); false leaves it to Apollo. */
  answerKnown?: (req: IncomingMessage, body: unknown, res: ServerResponse) => Promise<boolean>;
  /** Runs before a /graphql request is read; a refusal it returns is sent as is (rate limits). */
  admit?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
}

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const DEFAULT_MAX_BODY = 5 * 1024 * 1024;

class BodyTooLarge extends Error {}

/** How far past the limit an oversized body is still read (and dropped) before the socket is cut. */
const DRAIN_FACTOR = 8;

/**
 * Reads the body up to `limit` bytes. A larger body is refused with BodyTooLarge once it has
 * ended (the bytes past the limit are read and dropped, not kept), so the client, still sending,
 * reads a 413 rather than a reset; a body far larger still is refused and its socket cut.
 */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
      else if (size > limit * DRAIN_FACTOR) {
        reject(new BodyTooLarge());
        req.destroy();
      } else chunks.length = 0;
    });
    req.on("end", () => (size > limit ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks).toString("utf8"))));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

async function handleGraphQL<C extends BaseContext>(server: ApolloServer<C>, opts: ServeOptions<C>, req: IncomingMessage, res: ServerResponse) {
  const target = req.url ?? "/";
  const query = target.indexOf("?");
  let body: unknown = undefined;
  if (req.method === "POST") {
    const raw = await readBody(req, opts.maxBodyBytes ?? DEFAULT_MAX_BODY);
    try {
      body = raw.length > 0 && (req.headers["content-type"] ?? "").includes("json") ? JSON.parse(raw) : raw;
    } catch {
      return sendJson(res, 400, { errors: [{ message: "The request body is not valid JSON.", extensions: { code: "BAD_REQUEST" } }] });
    }
    if (opts.answerKnown && query < 0 && (await opts.answerKnown(req, body, res))) return;
  }
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const result = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? "GET", headers, search: query < 0 ? "" : target.slice(query), body },
    context: () => opts.context(req),
  });
  for (const [name, value] of result.headers) res.setHeader(name, value);
  res.statusCode = result.status ?? 200;
  if (result.body.kind === "complete") return void res.end(result.body.string);
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}

const GRAPHQL_PATH = "/graphql";

/** GET /metrics: the service's registry in Prometheus text. */
function metricsRoute(obs: Observability): Route {
  return async (_req, res) => {
    const text = await obs.metrics.registry.metrics().catch(() => undefined);
    if (text === undefined) return void res.writeHead(503, { "content-type": "text/plain" }).end("# metrics unavailable\n");
    res.writeHead(200, { "content-type": obs.metrics.registry.contentType }).end(text);
  };
}

/** Records the access log line and the HTTP metrics of a finished request, and logs every 5xx. */
function observe(obs: Observability, req: IncomingMessage, res: ServerResponse, route: string, requestId: string): void {
  const started = performance.now();
  res.once("finish", () => {
    const seconds = (performance.now() - started) / 1000;
    const method = req.method ?? "GET";
    obs.metrics.httpRequests.inc({ method, route, status: String(res.statusCode) });
    obs.metrics.httpDuration.observe({ method, route }, seconds);
    const line = { requestId, method, route, status: res.statusCode, ms: Math.round(seconds * 10000) / 10, bytes: Number(res.getHeader("content-length") ?? 0) || undefined };
    if (res.statusCode >= 500) obs.access.error(line, "request failed");
    else obs.access.info(line, "request");
  });
}

/** Starts the server; resolves once it listens (port 0 picks a free port). */
export async function serve<C extends BaseContext>(server: ApolloServer<C>, opts: ServeOptions<C>): Promise<RunningServer> {
  const obs = opts.observability ?? createObservability("service");
  const routes: Record<string, Route> = { "/metrics": metricsRoute(obs), ...opts.routes };
  const httpServer = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const requestId = assignRequestId(req);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const route = routes[path];
    const routeLabel = route || path === GRAPHQL_PATH ? path : "unknown";
    observe(obs, req, res, routeLabel, requestId);
    withServerSpan(obs.service, routeLabel, req, res, () => dispatch(req, res, path, route, requestId));
  });
  const dispatch = (req: IncomingMessage, res: ServerResponse, path: string, route: Route | undefined, requestId: string) => {
    let work: void | Promise<void>;
    if (route) {
      work = req.method === "GET" || req.method === "HEAD" ? route(req, res) : sendJson(res, 405, { errors: [{ message: `${path} answers GET only.`, extensions: { code: "METHOD_NOT_ALLOWED" } }] });
    } else if (path === GRAPHQL_PATH) {
      work = (opts.admit ? opts.admit(req, res) : Promise.resolve(true)).then((admitted) => (admitted ? handleGraphQL(server, opts, req, res) : undefined));
    } else {
      work = sendJson(res, 404, { errors: [{ message: `Nothing is served at ${path}: GraphQL is at ${GRAPHQL_PATH}.`, extensions: { code: "NOT_FOUND" } }] });
    }
    Promise.resolve(work).catch((err) => {
      if (err instanceof BodyTooLarge) {
        // The rest of an oversized body is not read: close the connection once the 413 is out.
        res.setHeader("connection", "close");
        return sendJson(res, 413, { errors: [{ message: `The request body is larger than this service accepts (${opts.maxBodyBytes ?? DEFAULT_MAX_BODY} bytes): send less per request.`, extensions: { code: "PAYLOAD_TOO_LARGE" } }] });
      }
      obs.log.error({ requestId, message: scrub(err instanceof Error ? err.message : String(err)) }, "unhandled error");
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: "Internal server error.", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
      else res.end();
    });
  };
  // Longer than clients' keep-alive so the server never closes a socket a client is about to reuse.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(opts.port, opts.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = opts.host && opts.host !== "0.0.0.0" ? opts.host : "127.0.0.1";
  return {
    url: `http://${host}:${port}/graphql`,
    port,
    async stop() {
      httpServer.closeIdleConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await server.stop();
    },
  };
}
