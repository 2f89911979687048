// Verifying a scanned testing code with the public key alone (testing and venues silos): no call
// to health-code. The signature is checked before anything else, so a forged code learns nothing
// about expiry; then the life, then the verifier's replay policy.
// The signature is checked with node:crypto on a KeyObject made once per key: the same ES256
// check as jose's jwtVerify (WebCrypto) at about three quarters of its CPU, which counts on a
// registrar's batch of 200 codes. The claims are checked as jwtVerify checked them.
import { KeyObject, verify as verifySignature, type webcrypto } from "node:crypto";
import type { CryptoKey } from "jose";
import { audienceIncludes, jsonObjectSegment, plainHeader } from "../auth/jws";
import { GraphQLError } from "graphql";
import { ALGORITHM, AUDIENCE, ISSUER, PREFIX, type TestingCodeRefusalReason, type VerifiedTestingCode } from "./format";
import type { ReplayGuard } from "./replay";

const MESSAGES: Record<TestingCodeRefusalReason, string> = {
  TESTING_CODE_MALFORMED: "This is not a testing code: scan the resident's testing code (核酸码) again, or register them by ID card.",
  TESTING_CODE_FORGED: "This testing code was not issued by the health code: register the person by ID card instead.",
  TESTING_CODE_EXPIRED: "This testing code has expired: ask the resident to refresh it in the app and scan again.",
  TESTING_CODE_REPLAYED: "This testing code was already used: ask the resident to refresh it in the app and scan again.",
};

/** The refusal a verifier returns: BAD_USER_INPUT with a distinct reason. */
export function testingCodeRefusal(reason: TestingCodeRefusalReason): GraphQLError {
  return new GraphQLError(MESSAGES[reason], { extensions: { code: "BAD_USER_INPUT", reason } });
}

export interface VerifyOptions {
  now?: Date;
  /** Counts uses per code; without one, replays are not checked. */
  replay?: ReplayGuard;
  /** How many times one code may be used at this verifier (default 1). */
  maxUses?: number;
  /** Tolerated clock skew between issuer and verifier, in seconds (default 5). */
  clockToleranceSeconds?: number;
}

const keyObjects = new WeakMap<object, KeyObject>();
const keyObjectOf = (key: CryptoKey | KeyObject): KeyObject => {
  if (key instanceof KeyObject) return key;
  let k = keyObjects.get(key);
  if (!k) keyObjects.set(key, (k = KeyObject.from(key as unknown as webcrypto.CryptoKey)));
  return k;
};

/**
 * The ES256 check on libuv's thread pool (node:crypto's callback form): checked inline, a
 * registrar's batch held the silo's event loop 5–6 ms per 100 codes, delaying every other
 * request the process serves (the live feed's reads among them); on the pool the codes of a
 * batch are also checked on both cores at once.
 */
const verifyOffThread = (data: Buffer, key: KeyObject, signature: Buffer) =>
  new Promise<boolean>((resolve) => verifySignature("sha256", data, { key, dsaEncoding: "ieee-p1363" }, signature, (err, ok) => resolve(!err && ok)));

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Verifies a scanned code; throws a testingCodeRefusal naming why it is refused. */
export async function verifyTestingCode(scanned: string, publicKey: CryptoKey | KeyObject, opts: VerifyOptions = {}): Promise<VerifiedTestingCode> {
  const text = scanned.trim();
  if (!text.startsWith(PREFIX) || text.length > 2048) throw testingCodeRefusal("TESTING_CODE_MALFORMED");
  const parts = text.slice(PREFIX.length).split(".");
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) throw testingCodeRefusal("TESTING_CODE_MALFORMED");
  const [h, p, s] = parts as [string, string, string];
  const header = jsonObjectSegment(h);
  if (!header) throw testingCodeRefusal("TESTING_CODE_MALFORMED");
  // Another algorithm, or a header asking for extensions, is not a code health-code issued.
  if (!plainHeader(header, ALGORITHM)) throw testingCodeRefusal("TESTING_CODE_FORGED");
  const signature = Buffer.from(s, "base64url");
  if (signature.length !== 64 || !(await verifyOffThread(Buffer.from(`${h}.${p}`), keyObjectOf(publicKey), signature))) {
    throw testingCodeRefusal("TESTING_CODE_FORGED");
  }
  const claims = jsonObjectSegment(p);
  if (!claims) throw testingCodeRefusal("TESTING_CODE_MALFORMED");
  const { sub, jti, iat, exp, nbf, iss, aud } = claims;
  // Signed by the key but not shaped as a testing code: never issued as one.
  if (typeof sub !== "string" || typeof jti !== "string" || typeof iat !== "number" || typeof exp !== "number") throw testingCodeRefusal("TESTING_CODE_FORGED");
  if (iss !== ISSUER || !audienceIncludes(aud, AUDIENCE)) throw testingCodeRefusal("TESTING_CODE_FORGED");
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const tolerance = opts.clockToleranceSeconds ?? 5;
  if (nbf !== undefined && (typeof nbf !== "number" || nbf > now + tolerance)) throw testingCodeRefusal("TESTING_CODE_FORGED");
  if (exp <= now - tolerance) throw testingCodeRefusal("TESTING_CODE_EXPIRED");
  const code: VerifiedTestingCode = { personId: sub, codeId: jti, issuedAt: new Date(iat * 1000), expiresAt: new Date(exp * 1000) };
  if (opts.replay && (await opts.replay.use(code.codeId, code.expiresAt)) > (opts.maxUses ?? 1)) throw testingCodeRefusal("TESTING_CODE_REPLAYED");
  return code;
}
