// Per-request context of the health-code subgraph.
import type { SubgraphContext } from "../../kernel/runtime/subgraphServer";
import type { PrismaClient } from "./generated/prisma/client";
import type { Loaders } from "./loaders";
import type { TestingCodeKeys } from "../../kernel/testingCode";
import type { FaceVerifier } from "./proxies/faceVerifier";
import type { Notifier } from "./feeds/notifier";

export interface HealthCodeContext extends SubgraphContext {
  prisma: PrismaClient;
  loaders: Loaders;
  /** Wakes the silo's event relay after a transaction that appended events commits. */
  relay: { notify(): void };
  /** The testing-code key pair, loaded once per process. */
  testingCodeKeys: Promise<TestingCodeKeys>;
  /** The pseudonym pepper: intake derives a new resident's person id from their document. */
  pepper: Uint8Array;
  /** The face-verification provider (proxies/faceVerifier.ts). */
  faceVerifier: FaceVerifier;
  /** Where pop-up notices go (feeds/notifier.ts). */
  notifier: Notifier;
}
