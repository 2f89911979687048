// Builds the appeals subgraph (server.ts builds, index.ts listens).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PrismaClient } from "./generated/prisma/client";
import { buildSubgraphServer } from "../../kernel/runtime/subgraphServer";
import type { SiloDeps, SiloInstance } from "../../kernel/runtime/silo";
import type { AppealsContext } from "./context";
import { createLoaders } from "./loaders";
import { Query } from "./resolvers/Query";
import { Mutation } from "./resolvers/Mutation";
import { Appeal } from "./resolvers/Appeal";
import { Person } from "./resolvers/Person";
import { seedAppeals } from "./seed";
import { CONSUMER_GROUPS } from "./events/consumers";
import { openCaseCheck, seedDemoCase } from "../../kernel/privacy/cases";
import { permissions } from "./permissions";
import { appealInScope, type AppealScope } from "./scope";
import { DisclosureAudit } from "./resolvers/DisclosureAudit";
import { AUDIT_ID_FIELDS, sqlAuditSink } from "../../kernel/privacy/audit";
import { prismaSql } from "../../kernel/db/sql";
import { createHmac } from "node:crypto";
import { appealsConfig } from "./config";
import { scheduleEscalation } from "./escalation";

export const typeDefs = readFileSync(join(__dirname, "schema.graphql"), "utf8");

/** Creates the appeals silo over an opened database. */
export function createAppeals(deps: SiloDeps): SiloInstance<AppealsContext> {
  const prisma = new PrismaClient({ adapter: deps.db.adapter });
  const openCase = openCaseCheck(prismaSql(prisma));
  const config = appealsConfig();
  const stopEscalation = scheduleEscalation(prismaSql(prisma), config.slaHours, config.escalationEveryMs);
  const communityPseudonym = (community: string) => `c_${createHmac("sha256", deps.secrets.pepper).update(`appeals/community/${community}`).digest("base64url").slice(0, 12)}`;
  const server = buildSubgraphServer<AppealsContext>({
    name: "appeals",
    typeDefs,
    resolvers: { Query, Mutation, Appeal, Person, DisclosureAudit },
    permissions,
    scope: (_type, parent: AppealScope, ctx) => appealInScope(parent, ctx),
    audit: sqlAuditSink(prismaSql(prisma)),
    entityIds: {
      types: ["Person", "Appeal", "StatusCause"],
      fields: AUDIT_ID_FIELDS,
      args: {
        "Query.appeal": { id: "Appeal" },
        "Mutation.decideAppeal": { "input.id": "Appeal" },
        "Mutation.submitAppeal": { "input.causeId": "StatusCause", "input.wardId": "Person" },
        "Mutation.addAppealEvidence": { "input.id": "Appeal" },
        "Mutation.assignAppeal": { id: "Appeal" },
        "Mutation.requestAppealEvidence": { "input.id": "Appeal" },
        "Mutation.recordCommunityReport": { "input.id": "Appeal" },
        "Mutation.recordCommitmentLetter": { "input.id": "Appeal" },
      },
    },
  });
  return {
    server,
    context: (viewer) => ({ viewer, disclosure: deps.disclosure, openCase, prisma, loaders: createLoaders(prisma), relay: deps.relay, config, communityPseudonym }),
    // The demo case is seeded in each silo that checks purposes, so no demo request races the replica.
    seed: async (city) => {
      await seedDemoCase(prismaSql(prisma));
      return seedAppeals(prisma, city);
    },
    consumers: CONSUMER_GROUPS,
    close: async () => {
      stopEscalation();
      await prisma.$disconnect();
    },
  };
}
