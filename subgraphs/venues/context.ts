// Per-request context of the venues subgraph.
import type { SubgraphContext } from "../../kernel/runtime/subgraphServer";
import type { HintChannel } from "../../kernel/feed/hints";
import type { PrismaClient } from "./generated/prisma/client";
import type { SqlDatabase } from "../../kernel/db/sql";
import type { Loaders } from "./loaders";
import type { VenuesConfig } from "./config";
import type { RegisterCodeKeys } from "./qr/keys";
import type { VerifiedCodeCache } from "./qr/registerCode";
import type { CryptoKey } from "jose";

/** What lives as long as the silo: settings, the QR key and its verified-code cache, the hint channel. */
export interface VenuesServices {
  /** Derives a named registrar's pseudonymous id from their ID number. */
  pepper: Uint8Array;
  config: VenuesConfig;
  keys: RegisterCodeKeys;
  codes: VerifiedCodeCache;
  hints: HintChannel;
  /** health-code's public key for testing codes (kernel/testingCode): scans are verified offline. */
  testingCodeKey: Promise<CryptoKey>;
}

export interface VenuesContext extends SubgraphContext {
  prisma: PrismaClient;
  /** The silo's database without Prisma (pg pool or PGlite), for the set-based write of a scanner's batch. */
  sql: SqlDatabase;
  loaders: Loaders;
  /** Wakes the silo's event relay after a transaction that appended events commits. */
  relay: { notify(): void };
  services: VenuesServices;
  /** Whether a reference names an open case in the replica of the CDC's registry. */
  openCase: (reference: string) => Promise<boolean>;
}
