// A register's QR payload: a compact JWS (EdDSA) naming the register and its venue, with an
// expiry. A scanner can verify it offline with the public key; the silo verifies it too, then
// checks that it is the register's current code (a renewed or deleted register's old print fails).
import { SignJWT, jwtVerify, decodeProtectedHeader, errors } from "jose";
import { fail } from "../../../kernel/runtime/errors";
import type { RegisterCodeKeys } from "./keys";

export const CODE_ISSUER = "health-graph/venues";
export const CODE_AUDIENCE = "health-graph/check-in";

export interface RegisterClaims { registerId: string; venueId: string; expiresAt: Date }

/** Signs the QR payload of a register, valid for `ttlSeconds`. */
export async function signRegisterCode(keys: RegisterCodeKeys, registerId: string, venueId: string, ttlSeconds: number, now = new Date()): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ vid: venueId })
    .setProtectedHeader({ alg: "EdDSA", kid: keys.kid, typ: "register+jwt" })
    .setIssuer(CODE_ISSUER)
    .setAudience(CODE_AUDIENCE)
    .setSubject(registerId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(keys.privateKey);
}

const invalid = () =>
  fail("BAD_USER_INPUT", "This QR code is not a register code issued by the health code: ask the venue for its register's QR code.", { reason: "REGISTER_CODE_INVALID" });

/** Verifies a scanned payload: signature, issuer, audience and expiry. Throws BAD_USER_INPUT otherwise. */
export async function verifyRegisterCode(keys: RegisterCodeKeys, code: string, now = new Date()): Promise<RegisterClaims> {
  try {
    if (decodeProtectedHeader(code).kid !== keys.kid) throw invalid();
  } catch {
    throw invalid();
  }
  try {
    const { payload } = await jwtVerify(code, keys.publicKey, {
      issuer: CODE_ISSUER, audience: CODE_AUDIENCE, algorithms: ["EdDSA"], requiredClaims: ["exp", "sub"], currentDate: now,
    });
    if (typeof payload.sub !== "string" || typeof payload.vid !== "string") throw invalid();
    return { registerId: payload.sub, venueId: payload.vid, expiresAt: new Date(payload.exp! * 1000) };
  } catch (err) {
    if (err instanceof errors.JWTExpired) {
      throw fail("BAD_USER_INPUT", "This register's QR code has expired: ask the venue's registrar to renew it.", { reason: "REGISTER_CODE_EXPIRED" });
    }
    throw invalid();
  }
}

/**
 * Verified payloads by code, so the busiest registers cost one signature check per process
 * rather than one per visitor (check-ins are the highest write rate of the system). Expiry is
 * re-checked on every hit; the map is bounded and dropped whole when full (simple, and cheap).
 */
export class VerifiedCodeCache {
  private readonly entries = new Map<string, RegisterClaims>();
  constructor(private readonly keys: RegisterCodeKeys, private readonly max = 50_000) {}

  async verify(code: string, now = new Date()): Promise<RegisterClaims> {
    const hit = this.entries.get(code);
    if (hit && hit.expiresAt.getTime() > now.getTime()) return hit;
    const claims = await verifyRegisterCode(this.keys, code, now);
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(code, claims);
    return claims;
  }
}
