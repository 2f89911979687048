// Keys derived from the pepper for purposes other than person ids, so one secret setting serves
// all and no derived key can be turned back into another.
import { createHmac } from "node:crypto";
import type { DiscloseContext } from "./disclose";
import { entityKeyring, type EntityKeyVersions } from "./entityKeys";

/** The key of auditors' pseudonyms (distinct from the person-id pepper itself). */
export function pseudonymKeyFrom(pepper: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac("sha256", pepper).update("health-graph/auditor-pseudonyms/v1").digest());
}

/** The disclosure settings every silo shares (entity keys: the current version and those still accepted). */
export function disclosureContext(pepper: Uint8Array, entityKeyVersions?: EntityKeyVersions): DiscloseContext {
  return { pseudonymKey: pseudonymKeyFrom(pepper), audience: "audit", entityKeys: entityKeyring(pepper, entityKeyVersions) };
}
