// Builds the venues subgraph (server.ts builds, index.ts listens).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PrismaClient } from "./generated/prisma/client";
import { buildSubgraphServer } from "../../kernel/runtime/subgraphServer";
import type { SiloDeps, SiloInstance } from "../../kernel/runtime/silo";
import type { VenuesContext } from "./context";
import { createLoaders } from "./loaders";
import { Query } from "./resolvers/Query";
import { Mutation } from "./resolvers/Mutation";
import { Venue } from "./resolvers/Venue";
import { Register } from "./resolvers/Register";
import { CheckIn } from "./resolvers/CheckIn";
import { Person } from "./resolvers/Person";
import { seedVenues } from "./seed";
import { CONSUMER_GROUPS } from "./events/consumers";
import { permissions } from "./permissions";

export const typeDefs = readFileSync(join(__dirname, "schema.graphql"), "utf8");

/** Creates the venues silo over an opened database. */
export function createVenues(deps: SiloDeps): SiloInstance<VenuesContext> {
  const prisma = new PrismaClient({ adapter: deps.db.adapter });
  const server = buildSubgraphServer<VenuesContext>({
    name: "venues",
    typeDefs,
    resolvers: { Query, Mutation, Venue, Register, CheckIn, Person },
    permissions,
    entityIds: { types: ["Person", "CheckIn"] },
  });
  return {
    server,
    context: (viewer) => ({ viewer, disclosure: deps.disclosure, prisma, loaders: createLoaders(prisma), relay: deps.relay }),
    seed: (city) => seedVenues(prisma, city),
    consumers: CONSUMER_GROUPS,
    close: () => prisma.$disconnect(),
  };
}
