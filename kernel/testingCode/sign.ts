// Issuing a testing code (health-code only: it holds the private key).
import { randomUUID } from "node:crypto";
import { SignJWT, type CryptoKey } from "jose";
import { ALGORITHM, AUDIENCE, DEFAULT_TTL_SECONDS, ISSUER, PREFIX } from "./format";

export interface IssuedTestingCode {
  payload: string;
  codeId: string;
  expiresAt: Date;
}

/** Signs a code for `personId` valid for `ttlSeconds` from `now`. */
export async function signTestingCode(personId: string, key: { privateKey: CryptoKey; kid?: string }, opts: { ttlSeconds?: number; now?: Date } = {}): Promise<IssuedTestingCode> {
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const exp = now + (opts.ttlSeconds ?? DEFAULT_TTL_SECONDS);
  const codeId = randomUUID();
  const jws = await new SignJWT({})
    .setProtectedHeader({ alg: ALGORITHM, ...(key.kid ? { kid: key.kid } : {}) })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(personId)
    .setJti(codeId)
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(key.privateKey);
  return { payload: PREFIX + jws, codeId, expiresAt: new Date(exp * 1000) };
}
