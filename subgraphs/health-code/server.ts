// Builds the health-code subgraph (server.ts builds, index.ts listens).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PrismaClient } from "./generated/prisma/client";
import { buildSubgraphServer } from "../../kernel/runtime/subgraphServer";
import type { SiloDeps, SiloInstance } from "../../kernel/runtime/silo";
import type { HealthCodeContext } from "./context";
import { createLoaders } from "./loaders";
import { Query } from "./resolvers/Query";
import { Person } from "./resolvers/Person";
import { StatusCause } from "./resolvers/StatusCause";
import { StatusChange } from "./resolvers/StatusChange";
import { Mutation } from "./resolvers/Mutation";
import { rules } from "./causes/rules";
import { loadTestingCodeKeys } from "../../kernel/testingCode";
import { faceVerifierFromEnv } from "./proxies/faceVerifier";
import { notifierFromEnv } from "./feeds/notifier";
import { dataDirFromEnv } from "../../kernel/config/secrets";
import { ConfigError, optionalEnv } from "../../kernel/config/env";
import { Campaign } from "./resolvers/Campaign";
import { DisclosureAudit } from "./resolvers/DisclosureAudit";
import { openCaseCheck, seedDemoCase } from "../../kernel/privacy/cases";
import { permissions } from "./permissions";
import { personInScope } from "./scope";
import { AUDIT_ID_FIELDS, sqlAuditSink } from "../../kernel/privacy/audit";
import { prismaSql } from "../../kernel/db/sql";
import { seedHealthCode } from "./seed";
import { consumerGroups } from "./events/consumers";

export const typeDefs = readFileSync(join(__dirname, "schema.graphql"), "utf8");

/** Creates the health-code silo over an opened database. */
export function createHealthCode(deps: SiloDeps): SiloInstance<HealthCodeContext> {
  rules(); // loaded and validated at start-up: a faulty configuration stops the silo here
  if (process.env.NODE_ENV === "production" && !optionalEnv(process.env, "TESTING_CODE_PRIVATE_JWK")) {
    throw new ConfigError("TESTING_CODE_PRIVATE_JWK is required in production: an EC P-256 private key in JWK form.");
  }
  const testingCodeKeys = loadTestingCodeKeys(process.env, dataDirFromEnv(process.env));
  testingCodeKeys.catch(() => undefined); // a bad key surfaces on first use, with its message
  const faceVerifier = faceVerifierFromEnv(process.env);
  const notifier = notifierFromEnv(process.env);
  const prisma = new PrismaClient({ adapter: deps.db.adapter });
  const openCase = openCaseCheck(prismaSql(prisma));
  const server = buildSubgraphServer<HealthCodeContext>({
    name: "health-code",
    typeDefs,
    resolvers: { Query, Mutation, Person, StatusCause, StatusChange, DisclosureAudit, Campaign },
    permissions,
    entityIds: {
      types: ["Person", "StatusCause"],
      // Who raised or changed a cause is a person too (an officer, or the resident who declared a trip).
      fields: { ...AUDIT_ID_FIELDS, "StatusCause.raisedById": "Person", "StatusChange.actorId": "Person", "StatusChange.causeId": "StatusCause" },
      args: { "Query.person": { id: "Person" } },
    },
    // A Person's owner is itself; a cause's is the person it belongs to.
    scope: (type, parent: { id: string; personId?: string }, ctx) => personInScope(type === "Person" ? parent.id : (parent.personId ?? ""), ctx),
    audit: sqlAuditSink(prismaSql(prisma)),
  });
  return {
    server,
    context: (viewer) => ({
      viewer, disclosure: deps.disclosure, openCase, prisma, loaders: createLoaders(prisma, viewer, deps.db.sql), relay: deps.relay,
      testingCodeKeys, pepper: deps.secrets.pepper, faceVerifier, notifier,
    }),
    // The demo case is seeded in each silo that checks purposes, so no demo request races the replica.
    seed: async (city) => {
      await seedDemoCase(prismaSql(prisma));
      return seedHealthCode(prisma, city);
    },
    consumers: consumerGroups(() => deps.secrets.pepper),
    close: () => prisma.$disconnect(),
  };
}
