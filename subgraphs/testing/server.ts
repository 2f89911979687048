// Builds the testing subgraph (server.ts builds, index.ts listens).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PrismaClient } from "./generated/prisma/client";
import { buildSubgraphServer } from "../../kernel/runtime/subgraphServer";
import type { SiloDeps, SiloInstance } from "../../kernel/runtime/silo";
import type { TestingContext } from "./context";
import { createLoaders } from "./loaders";
import { Query } from "./resolvers/Query";
import { Mutation } from "./resolvers/Mutation";
import { Agency } from "./resolvers/Agency";
import { SamplingSite } from "./resolvers/SamplingSite";
import { TransportBox } from "./resolvers/TransportBox";
import { SampleTube } from "./resolvers/SampleTube";
import { Swab } from "./resolvers/Swab";
import { TestResult } from "./resolvers/TestResult";
import { Person, PersonTest } from "./resolvers/Person";
import { CustodyStep } from "./resolvers/SampleTube";
import { RecordResultsPayload } from "./resolvers/RecordResultsPayload";
import { OrphanCandidate, OrphanResult } from "./resolvers/OrphanResult";
import { Campaign } from "./resolvers/Campaign";
import { loadTestingCodeVerifyKey } from "../../kernel/testingCode";
import { dataDirFromEnv } from "../../kernel/config/secrets";
import { negativeWindowFromEnv } from "./validity";
import { bindingsFromEnv } from "./access";
import { seedTesting } from "./seed";
import { DisclosureAudit } from "./resolvers/DisclosureAudit";
import { openCaseCheck, seedDemoCase } from "../../kernel/privacy/cases";
import { consumerGroups } from "./events/consumers";
import { expandResultsRecorded } from "./events/resultRecorded";
import { purgeScannedNumbers, scannedNumbers } from "./registrationOrphans";
import { OrphanRegistration, OrphanRegistrationCandidate } from "./resolvers/OrphanRegistration";
import { SampleLookup, SamplingSession } from "./resolvers/SamplingSession";
import { permissions } from "./permissions";
import { swabInScope } from "./scope";
import { AUDIT_ID_FIELDS, sqlAuditSink } from "../../kernel/privacy/audit";
import { prismaSql } from "../../kernel/db/sql";

export const typeDefs = readFileSync(join(__dirname, "schema.graphql"), "utf8");

/** Creates the testing silo over an opened database. */
export function createTesting(deps: SiloDeps): SiloInstance<TestingContext> {
  const prisma = new PrismaClient({ adapter: deps.db.adapter });
  const openCase = openCaseCheck(prismaSql(prisma));
  const negativeWindowHours = negativeWindowFromEnv(process.env);
  const enforceBindings = bindingsFromEnv(process.env);
  const numbers = scannedNumbers(deps.secrets.pepper);
  // Scanned numbers past their window are deleted hourly (and on every orphan event).
  const purge = setInterval(() => void purgeScannedNumbers(prismaSql(prisma)).catch(() => undefined), 3_600_000);
  purge.unref();
  const codes = { publicKey: loadTestingCodeVerifyKey(process.env, dataDirFromEnv(process.env)) };
  codes.publicKey.catch(() => undefined); // a bad key surfaces on first use, with its message
  const server = buildSubgraphServer<TestingContext>({
    name: "testing",
    typeDefs,
    resolvers: { Query, Mutation, Agency, SamplingSite, TransportBox, SampleTube, Swab, TestResult, Person, PersonTest, DisclosureAudit, SamplingSession, SampleLookup, CustodyStep, RecordResultsPayload, OrphanResult, OrphanCandidate, OrphanRegistration, OrphanRegistrationCandidate, Campaign },
    permissions,
    entityIds: { types: ["Person", "Swab"], fields: { ...AUDIT_ID_FIELDS, "SampleLookup.samplerId": "Person", "SampleLookup.personId": "Person", "Swab.samplerId": "Person", "CustodyStep.actorId": "Person", "OrphanRegistration.resolvedBy": "Person" } },
    scope: (_type, swab: { tubeId: string; personId: string }, ctx) => swabInScope(swab, ctx),
    audit: sqlAuditSink(prismaSql(prisma)),
  });
  return {
    server,
    context: (viewer) => ({ viewer, disclosure: deps.disclosure, openCase, prisma, sql: deps.db.sql, loaders: createLoaders(prisma, deps.db.sql), pepper: deps.secrets.pepper, relay: deps.relay, codes, negativeWindowHours, enforceBindings, numbers }),
    // The demo case is seeded in each silo that checks purposes, so no demo request races the replica.
    seed: async (city) => {
      await seedDemoCase(prismaSql(prisma));
      return seedTesting(prisma, city);
    },
    consumers: consumerGroups(() => numbers),
    expanders: { ResultsRecorded: expandResultsRecorded },
    close: () => {
      clearInterval(purge);
      return prisma.$disconnect();
    },
  };
}
