// The live check-in feed, beside the gateway: @apollo/gateway has no federated subscriptions, so
// the feed is its own small HTTP server speaking GraphQL over Server-Sent Events (graphql-sse,
// plain HTTP/1 that passes every proxy the gateway passes), plus the CSV export. It verifies the
// same client tokens as the gateway and reads everything through the gateway as the client.
import http, { type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { createHandler } from "graphql-sse/lib/use/http";
import { tokenVerifier, type TokenVerifierConfig } from "../../kernel/auth/tokens";
import type { Viewer } from "../../kernel/auth/viewer";
import type { HintChannel } from "../../kernel/feed/hints";
import type { RunningServer } from "../../kernel/http/serve";
import { graphClient } from "./graphClient";
import { feedSchema, type FeedContext } from "./schema";
import { exportRoute } from "./exportCsv";

export const STREAM_PATH = "/graphql/stream";
export const EXPORT_PATH = "/export.csv";

export interface FeedOptions {
  port: number;
  host?: string;
  /** The gateway's /graphql URL. */
  gatewayUrl: string;
  tokens: TokenVerifierConfig;
  hints: HintChannel;
}

/** Starts the feed server (stream, export, /health); resolves once it listens. */
export async function startFeed(opts: FeedOptions): Promise<RunningServer> {
  const verify = tokenVerifier(opts.tokens);
  const graph = graphClient(opts.gatewayUrl);
  const viewers = new WeakMap<IncomingMessage, FeedContext>();
  const stream = createHandler<FeedContext>({
    schema: feedSchema(graph, opts.hints),
    // Distinct connections only: every subscription is its own authenticated request.
    authenticate: () => null,
    context: (req) => viewers.get(req.raw)!,
  });
  const authorize = async (req: IncomingMessage): Promise<{ viewer: Viewer; authorization: string }> => {
    const authorization = req.headers.authorization ?? "";
    return { viewer: await verify(authorization), authorization };
  };
  const exporter = exportRoute(graph, async (req) => (await authorize(req)).authorization);

  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/health") return void res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    if (path === EXPORT_PATH && req.method === "GET") return void exporter(req, res);
    if (path !== STREAM_PATH) return void res.writeHead(404, { "content-type": "application/json" }).end('{"errors":[{"message":"Not found: the feed serves /graphql/stream and /export.csv.","extensions":{"code":"NOT_FOUND"}}]}');
    // The token is checked before the stream opens, so a bad one gets a plain 401 and no stream.
    authorize(req).then(
      (ctx) => {
        viewers.set(req, ctx);
        return stream(req, res);
      },
      (err: { message: string; extensions?: { code?: string } }) =>
        void res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ message: err.message, extensions: { code: err.extensions?.code ?? "UNAUTHENTICATED" } }] })),
    ).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port, opts.host, resolve));
  const { port } = server.address() as AddressInfo;
  const host = opts.host && opts.host !== "0.0.0.0" ? opts.host : "127.0.0.1";
  return {
    url: `http://${host}:${port}${STREAM_PATH}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
