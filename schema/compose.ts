// Composes the four subgraphs' SDL into the supergraph the gateway runs on. The gateway never
// composes at run time: `npm run compose` writes schema/supergraph.graphql, which is checked in,
// and `npm run compose -- --check` (and a test) fails when that file is stale.
import { composeServices } from "@apollo/composition";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "graphql";
import { DEFAULT_PORTS, SILOS, graphName } from "../kernel/config/silos";

export const SUPERGRAPH_PATH = join(__dirname, "supergraph.graphql");

/** Reads a silo's SDL from its subgraph folder. */
export function subgraphSdl(silo: (typeof SILOS)[number]): string {
  return readFileSync(join(__dirname, "..", "subgraphs", silo, "schema.graphql"), "utf8");
}

/** Composes the supergraph; throws with every composition error listed. */
export function composeSupergraph(): string {
  const result = composeServices(
    SILOS.map((silo) => ({
      name: graphName(silo),
      typeDefs: parse(subgraphSdl(silo)),
      url: `http://localhost:${DEFAULT_PORTS[silo]}/graphql`,
    })),
  );
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((e) => `- ${e.message}`).join("\n")}`);
  }
  return result.supergraphSdl + "\n";
}

if (require.main === module) {
  const sdl = composeSupergraph();
  if (process.argv.includes("--check")) {
    if (readFileSync(SUPERGRAPH_PATH, "utf8") !== sdl) {
      console.error("schema/supergraph.graphql is stale: run `npm run compose` and commit it.");
      process.exit(1);
    }
    console.log("schema/supergraph.graphql is up to date.");
  } else {
    writeFileSync(SUPERGRAPH_PATH, sdl);
    console.log(`wrote ${SUPERGRAPH_PATH}`);
  }
}
