// Per-request context of the appeals subgraph.
import type { SubgraphContext } from "../../kernel/runtime/subgraphServer";
import type { PrismaClient } from "./generated/prisma/client";
import type { Loaders } from "./loaders";

export interface AppealsContext extends SubgraphContext {
  prisma: PrismaClient;
  loaders: Loaders;
  /** Wakes the silo's event relay after a transaction that appended events commits. */
  relay: { notify(): void };
}
