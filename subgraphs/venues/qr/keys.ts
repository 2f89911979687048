// The register QR signing key: Ed25519, derived from the pepper under its own label (as
// kernel/privacy/keys.ts derives the auditors' key), so no new secret setting is needed and the
// key can never be turned back into the pepper. Anyone holding the public key (Query.registerCodeKeys)
// can check a printed code offline; only the venues silo can make one.
import { createHash, createPrivateKey, createPublicKey, hkdfSync, type KeyObject } from "node:crypto";

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export interface RegisterCodeKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Key id in every code's header: the first 16 hex digits of the public key's SHA-256. */
  kid: string;
  /** The public key as a JWK, for offline verifiers. */
  publicJwk: Record<string, string>;
}

/** Derives the silo's register-code key pair from the pepper. */
export function registerCodeKeys(pepper: Uint8Array): RegisterCodeKeys {
  const seed = Buffer.from(hkdfSync("sha256", pepper, "health-graph", "venues/register-qr/ed25519/v1", 32));
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: "jwk" }) as Record<string, string>;
  const kid = createHash("sha256").update(jwk.x ?? "").digest("hex").slice(0, 16);
  return { privateKey, publicKey, kid, publicJwk: { ...jwk, kid, alg: "EdDSA", use: "sig" } };
}
