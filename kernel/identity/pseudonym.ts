// Pseudonymous person ids. A person's federation key is a keyed hash of their document, so
// every silo derives the same id from the same document without a shared lookup table, and an
// id cannot be turned back into a document without the pepper. Citizen ID numbers are few
// enough (about 10^11 plausible ones) to enumerate, so an unkeyed hash would be no protection:
// the secrecy of the pepper is the whole protection.
import { createHmac } from "node:crypto";
import type { ValidDocument } from "./documents";

const MIN_KEY_BYTES = 32;
// 16 bytes (128 bits) makes a collision between two of ~1.4 billion people negligible (~2^-66).
const ID_BYTES = 16;

/** Returns the pepper's UTF-8 bytes, or throws when it is shorter than 32 bytes (call at start-up). */
export function assertPepper(pepper: string): Uint8Array {
  if (typeof pepper !== "string") throw new Error("The identity pepper must be a string.");
  return checkedKey(Buffer.from(pepper, "utf8"), "pepper");
}

function checkedKey(bytes: Uint8Array, what: string): Uint8Array {
  if (bytes.byteLength < MIN_KEY_BYTES) {
    // The length is reported, never the value, since this message ends up in start-up logs.
    throw new Error(
      `The identity ${what} must be at least ${MIN_KEY_BYTES} bytes, got ${bytes.byteLength}: ` +
        "generate one with `openssl rand -base64 48`.",
    );
  }
  return bytes;
}

function keyBytes(key: string | Uint8Array, what: string): Uint8Array {
  return typeof key === "string" ? checkedKey(Buffer.from(key, "utf8"), what) : checkedKey(key, what);
}

function keyedDigest(key: Uint8Array, message: string): string {
  return createHmac("sha256", key).update(message, "utf8").digest().subarray(0, ID_BYTES).toString("base64url");
}

/** The person id (`p_` + 22 base64url characters) for a validated document; same document and pepper, same id. */
export function personIdFor(doc: Pick<ValidDocument, "type" | "number">, pepper: string | Uint8Array): string {
  // Refused rather than hashed: an empty number would give every such record one shared id.
  if (!doc.type || !doc.number) throw new Error("personIdFor needs a document type and number.");
  return `p_${keyedDigest(keyBytes(pepper, "pepper"), `${doc.type}:${doc.number}`)}`;
}

/** A stable token (`anon_` + 22 characters) for a person as one audience sees them; differs between audiences. */
export function audiencePseudonym(personId: string, audience: string, key: string | Uint8Array): string {
  // A colon in the audience would make `${audience}:${personId}` ambiguous between two pairs.
  if (!audience || audience.includes(":")) throw new Error("An audience must be non-empty and contain no colon.");
  if (!personId) throw new Error("audiencePseudonym needs a person id.");
  return `anon_${keyedDigest(keyBytes(key, "pseudonym key"), `${audience}:${personId}`)}`;
}
