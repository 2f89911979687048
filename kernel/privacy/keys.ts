// Keys derived from the pepper for purposes other than person ids, so one secret setting serves
// all and no derived key can be turned back into another.
import { createHmac } from "node:crypto";
import type { DiscloseContext } from "./disclose";

/** The key of auditors' pseudonyms (distinct from the person-id pepper itself). */
export function pseudonymKeyFrom(pepper: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac("sha256", pepper).update("health-graph/auditor-pseudonyms/v1").digest());
}

/** The disclosure settings every silo shares. */
export function disclosureContext(pepper: Uint8Array): DiscloseContext {
  return { pseudonymKey: pseudonymKeyFrom(pepper), audience: "audit" };
}
