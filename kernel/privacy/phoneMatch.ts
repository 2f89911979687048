// A keyed hash of a mobile number, so two silos can tell whether they hold the same phone for a
// person without either sending it (registration orphans: testing's scanned phone against
// health-code's resident). Derived from the pepper under a label of its own: it is no person id,
// and without the pepper the 10^11 mobile numbers cannot be enumerated against it.
import { createHmac } from "node:crypto";

/** The match key of an already validated mobile number (16 bytes, base64url). */
export function phoneMatchKey(pepper: Uint8Array, phone: string): string {
  const key = createHmac("sha256", pepper).update("health-graph/phone-match/v1").digest();
  return createHmac("sha256", key).update(phone, "utf8").digest().subarray(0, 16).toString("base64url");
}
