// Apollo Server hashes every request's query (SHA-256, its parsed-document cache key) through
// @apollo/utils.createhash, which calls `module.require("crypto")` on each hash. Under tsx (how
// every service runs) each such require goes through tsx's resolver hooks: about a twentieth of
// a subgraph call's CPU. The same hash from node:crypto, required once, gives the same key.
import { createHash, type Hash } from "node:crypto";
import { createRequire } from "node:module";

let installed = false;

/** Points Apollo Server's hashing at node:crypto directly (idempotent; same digests). */
export function useDirectQueryHash(): void {
  if (installed) return;
  const fromApollo = createRequire(require.resolve("@apollo/server"));
  const hashing = fromApollo("@apollo/utils.createhash") as { createHash: (kind: string) => Hash };
  hashing.createHash = (kind) => createHash(kind);
  installed = true;
}
