// Per-request context of the health-code subgraph.
import type { SubgraphContext } from "../../kernel/runtime/subgraphServer";
import type { PrismaClient } from "./generated/prisma/client";
import type { Loaders } from "./loaders";

export interface HealthCodeContext extends SubgraphContext {
  prisma: PrismaClient;
  loaders: Loaders;
  /** Wakes the silo's event relay after a transaction that appended events commits. */
  relay: { notify(): void };
}
