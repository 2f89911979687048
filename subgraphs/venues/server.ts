// Builds the venues subgraph (server.ts builds, index.ts listens).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PrismaClient } from "./generated/prisma/client";
import { buildSubgraphServer } from "../../kernel/runtime/subgraphServer";
import type { SiloDeps, SiloInstance } from "../../kernel/runtime/silo";
import { hintsFromEnv, type HintChannel } from "../../kernel/feed/hints";
import type { VenuesContext, VenuesServices } from "./context";
import { createLoaders } from "./loaders";
import { Query } from "./resolvers/Query";
import { Mutation } from "./resolvers/Mutation";
import { Venue } from "./resolvers/Venue";
import { Register } from "./resolvers/Register";
import { CheckIn } from "./resolvers/CheckIn";
import { Person } from "./resolvers/Person";
import { DisclosureAudit } from "./resolvers/DisclosureAudit";
import { AUDIT_ID_FIELDS, sqlAuditSink } from "../../kernel/privacy/audit";
import { seedVenues } from "./seed";
import { CONSUMER_GROUPS } from "./events/consumers";
import { permissions } from "./permissions";
import { venuesConfigFromEnv, type VenuesConfig } from "./config";
import { registerCodeKeys } from "./qr/keys";
import { VerifiedCodeCache } from "./qr/registerCode";
import { schedulePurge } from "./retention";
import { loadTestingCodeVerifyKey } from "../../kernel/testingCode";
import { dataDirFromEnv } from "../../kernel/config/secrets";
import { openCaseCheck, seedDemoCase } from "../../kernel/privacy/cases";
import { prismaSql } from "../../kernel/db/sql";

export const typeDefs = readFileSync(join(__dirname, "schema.graphql"), "utf8");

export interface VenuesOptions {
  /** Settings (default: read from the environment once, here). */
  config?: VenuesConfig;
  /** Where check-in hints go (default: Redis when REDIS_URL is set, else in-process). */
  hints?: HintChannel;
}

/** Creates the venues silo over an opened database. */
export function createVenues(deps: SiloDeps, options: VenuesOptions = {}): SiloInstance<VenuesContext> {
  const prisma = new PrismaClient({ adapter: deps.db.adapter });
  const config = options.config ?? venuesConfigFromEnv();
  const keys = registerCodeKeys(deps.secrets.pepper);
  const testingCodeKey = loadTestingCodeVerifyKey(process.env, dataDirFromEnv(process.env));
  testingCodeKey.catch(() => undefined); // a bad key surfaces on the first scan, with its message
  const services: VenuesServices = { pepper: deps.secrets.pepper, config, keys, codes: new VerifiedCodeCache(keys), hints: options.hints ?? hintsFromEnv(), testingCodeKey };
  const openCase = openCaseCheck(prismaSql(prisma));
  const server = buildSubgraphServer<VenuesContext>({
    name: "venues",
    typeDefs,
    resolvers: { Query, Mutation, Venue, Register, CheckIn, Person, DisclosureAudit },
    permissions,
    entityIds: { types: ["Person", "CheckIn"], fields: { ...AUDIT_ID_FIELDS } },
    // A suspension's reason is about the register's registrar: an officer reads it for the venue's community only.
    scope: async (_type, s: { venueId?: string }, ctx) => {
      if (ctx.viewer.role !== "COMMUNITY_OFFICER") return undefined;
      const venue = s.venueId ? await ctx.loaders.venue.load(s.venueId) : null;
      return !!ctx.viewer.community && venue?.community === ctx.viewer.community;
    },
    audit: sqlAuditSink(prismaSql(prisma)),
  });
  const stopPurge = schedulePurge(prisma, config.retentionDays, config.purgeIntervalMinutes, (err) => console.warn("venues: retention purge failed; it runs again at the next interval", err instanceof Error ? err.message : err));
  return {
    server,
    context: (viewer) => ({ viewer, disclosure: deps.disclosure, prisma, sql: deps.db.sql, loaders: createLoaders(prisma, deps.db.sql), relay: deps.relay, services, openCase }),
    // The demo case is seeded in each silo that checks purposes, so no demo request races the replica.
    seed: async (city) => {
      await seedDemoCase(prismaSql(prisma));
      return seedVenues(prisma, city, services);
    },
    consumers: CONSUMER_GROUPS,
    close: async () => {
      stopPurge();
      await services.hints.close();
      await prisma.$disconnect();
    },
  };
}
