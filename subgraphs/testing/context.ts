// Per-request context of the testing subgraph.
import type { SubgraphContext } from "../../kernel/runtime/subgraphServer";
import type { PrismaClient } from "./generated/prisma/client";
import type { SqlDatabase } from "../../kernel/db/sql";
import type { Loaders } from "./loaders";
import type { CodeVerifier } from "./testingCodes";
import type { ScannedNumbers } from "./registrationOrphans";

export interface TestingContext extends SubgraphContext {
  prisma: PrismaClient;
  /** The silo's database through the kernel's SQL seam (pg pool or PGlite): set-based hot paths (recordResults). */
  sql: SqlDatabase;
  loaders: Loaders;
  /** Wakes the silo's event relay after a transaction that appended events commits. */
  relay: { notify(): void };
  /** Pepper of person ids: a scanned document becomes a pseudonym here, without a lookup. */
  pepper: Uint8Array;
  /** The health-code silo's public key for testing codes (verified offline). */
  codes: CodeVerifier;
  /** How long a negative result stays valid by default (TESTING_NEGATIVE_VALID_HOURS). */
  negativeWindowHours: number;
  /** Whether samplers' and labs' tokens are checked against staff_binding (TESTING_STAFF_BINDINGS). */
  enforceBindings: boolean;
  /** Scanned document numbers, encrypted, for the retention window (TESTING_SCANNED_NUMBER_RETENTION_DAYS). */
  numbers: ScannedNumbers;
}
