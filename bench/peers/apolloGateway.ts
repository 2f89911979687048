// A peer for the benchmark: stock @apollo/gateway over the same supergraph and subgraphs, with
// Apollo's defaults (its own fetcher, no token check). It forwards the client's Viewer header
// (x-viewer, signed by the benchmark) so the subgraphs accept its calls; it does less than the
// project's gateway (no bearer-token verification, no root-access check).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";

type Ctx = { viewer?: string };
const urls = JSON.parse(process.env.PEER_SUBGRAPH_URLS ?? "{}") as Record<string, string>;

async function main() {
  process.env.APOLLO_TELEMETRY_DISABLED ??= "true"; // as the project's gateway: no usage reports to Apollo
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(join(__dirname, "..", "..", "schema", "supergraph.graphql"), "utf8"),
    buildService: ({ name, url }) =>
      new (class extends RemoteGraphQLDataSource<Ctx> {
        override willSendRequest({ request, context }: { request: { http?: { headers: { set(k: string, v: string): void } } }; context: Ctx }) {
          if (context?.viewer) request.http?.headers.set("x-viewer", context.viewer);
        }
      })({ url: urls[name] ?? url }),
  });
  const server = new ApolloServer<Ctx>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: Number(process.env.PEER_PORT ?? 0), host: "127.0.0.1" },
    context: async ({ req }) => ({ viewer: req.headers["x-viewer"] as string | undefined }),
  });
  console.log(`apollo gateway peer at ${url}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
