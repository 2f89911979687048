// One GraphQL server for `npm run bench:http`: the same Apollo Server (a one-field schema, so the
// HTTP layer is most of the work) behind the project's own `kernel/http/serve.ts` or behind
// Fastify with Apollo's Fastify integration, with the same per-request work either way: request
// id, access log line, HTTP metrics, body limit, /health beside /graphql.
// Environment: HTTP_TARGET_KIND=node|fastify, HTTP_TARGET_PORT.
import { ApolloServer } from "@apollo/server";
import fastifyApollo, { fastifyApolloDrainPlugin } from "@as-integrations/fastify";
import Fastify from "fastify";
import { serve } from "../../kernel/http/serve";
import { assignRequestId, createObservability, REQUEST_ID_HEADER } from "../../kernel/observability";

const kind = process.env.HTTP_TARGET_KIND;
const port = Number(process.env.HTTP_TARGET_PORT);
const typeDefs = "type Query { hello(name: String!): String! }";
const resolvers = { Query: { hello: (_: unknown, { name }: { name: string }) => `hello ${name}` } };
const MAX_BODY = 1024 * 1024;

async function main() {
  const obs = createObservability(`bench-${kind}`);
  if (kind === "node") {
    const apollo = new ApolloServer({ typeDefs, resolvers });
    await apollo.start();
    await serve(apollo, { port, maxBodyBytes: MAX_BODY, observability: obs, context: async () => ({}), routes: { "/health": (_q, r) => void r.writeHead(200).end("ok") } });
    return;
  }
  const app = Fastify({ bodyLimit: MAX_BODY, keepAliveTimeout: 65_000 });
  const apollo = new ApolloServer({ typeDefs, resolvers, plugins: [fastifyApolloDrainPlugin(app)] });
  await apollo.start();
  app.addHook("onRequest", async (req, reply) => {
    const id = assignRequestId(req.raw);
    void reply.header(REQUEST_ID_HEADER, id);
    (req as unknown as { started: number }).started = performance.now();
  });
  app.addHook("onResponse", async (req, reply) => {
    const seconds = (performance.now() - (req as unknown as { started: number }).started) / 1000;
    const route = req.routeOptions.url ?? "unknown";
    obs.metrics.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    obs.metrics.httpDuration.observe({ method: req.method, route }, seconds);
    obs.log.info({ requestId: reply.getHeader(REQUEST_ID_HEADER), method: req.method, route, status: reply.statusCode, ms: Math.round(seconds * 10000) / 10 }, "request");
  });
  app.get("/health", async () => "ok");
  await app.register(fastifyApollo(apollo));
  await app.listen({ port, host: "127.0.0.1" });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
