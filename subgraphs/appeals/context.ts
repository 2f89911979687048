// Per-request context of the appeals subgraph.
import type { SubgraphContext } from "../../kernel/runtime/subgraphServer";
import type { PrismaClient } from "./generated/prisma/client";
import type { Loaders } from "./loaders";
import type { AppealsConfig } from "./config";

export interface AppealsContext extends SubgraphContext {
  prisma: PrismaClient;
  loaders: Loaders;
  /** Wakes the silo's event relay after a transaction that appended events commits. */
  relay: { notify(): void };
  config: AppealsConfig;
  /** Keyed pseudonym of a community, for oversight's figures. */
  communityPseudonym(community: string): string;
}
