// A peer for the benchmark: Hive Gateway's runtime (@graphql-hive/gateway-runtime) over the same
// supergraph and subgraphs, served by Node's http module, with its JavaScript query planner or,
// with PEER_PLANNER=rust, Hive Router's Rust planner (@graphql-hive/router-runtime). Like the
// stock @apollo/gateway peer it forwards the client's Viewer header (x-viewer, signed by the
// benchmark) so the subgraphs accept its calls, and does less than the project's gateway (no
// bearer-token verification, no root-access check). Hive merges identical in-flight subgraph
// requests by default: the benchmark uses distinct viewers, so it is compared on equal terms.
// Plain CommonJS on purpose: the runtime's types augment graphql-js's error extensions globally
// in a way that conflicts with Apollo Server's, so they are kept out of the project's type check.
"use strict";
const { readFileSync } = require("node:fs");
const { createServer } = require("node:http");
const { join } = require("node:path");
const { createGatewayRuntime } = require("@graphql-hive/gateway-runtime");

const urls = JSON.parse(process.env.PEER_SUBGRAPH_URLS || "{}");

/** The checked-in supergraph with each subgraph's URL replaced by this run's. */
function supergraphWithUrls(sdl, byName) {
  return sdl.replace(/@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g, (whole, name) => (byName[name] ? `@join__graph(name: "${name}", url: "${byName[name]}")` : whole));
}

const sdl = readFileSync(join(__dirname, "..", "..", "schema", "supergraph.graphql"), "utf8");
const gateway = createGatewayRuntime({
  supergraph: supergraphWithUrls(sdl, urls),
  logging: false,
  maskedErrors: process.env.PEER_DEBUG ? false : undefined,
  graphqlEndpoint: "/",
  ...(process.env.PEER_PLANNER === "rust" ? { unifiedGraphHandler: require("@graphql-hive/router-runtime").unifiedGraphHandler } : {}),
  propagateHeaders: { fromClientToSubgraphs: ({ request }) => ({ "x-viewer": request.headers.get("x-viewer") }) },
});
const port = Number(process.env.PEER_PORT || 0);
createServer(gateway).listen(port, "127.0.0.1", () => console.log(`hive gateway peer at http://127.0.0.1:${port}/`));
