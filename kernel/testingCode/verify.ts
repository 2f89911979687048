// Verifying a scanned testing code with the public key alone (testing and venues silos): no call
// to health-code. The signature is checked before anything else, so a forged code learns nothing
// about expiry; then the life, then the verifier's replay policy.
import { errors, jwtVerify, type CryptoKey } from "jose";
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

/** Verifies a scanned code; throws a testingCodeRefusal naming why it is refused. */
export async function verifyTestingCode(scanned: string, publicKey: CryptoKey, opts: VerifyOptions = {}): Promise<VerifiedTestingCode> {
  const text = scanned.trim();
  if (!text.startsWith(PREFIX) || text.length > 2048) throw testingCodeRefusal("TESTING_CODE_MALFORMED");
  let claims;
  try {
    ({ payload: claims } = await jwtVerify(text.slice(PREFIX.length), publicKey, {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ["sub", "jti", "iat", "exp"],
      currentDate: opts.now,
      clockTolerance: opts.clockToleranceSeconds ?? 5,
    }));
  } catch (e) {
    if (e instanceof errors.JWTExpired) throw testingCodeRefusal("TESTING_CODE_EXPIRED");
    if (e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid) throw testingCodeRefusal("TESTING_CODE_MALFORMED");
    throw testingCodeRefusal("TESTING_CODE_FORGED");
  }
  const code: VerifiedTestingCode = { personId: claims.sub!, codeId: claims.jti!, issuedAt: new Date(claims.iat! * 1000), expiresAt: new Date(claims.exp! * 1000) };
  if (opts.replay && (await opts.replay.use(code.codeId, code.expiresAt)) > (opts.maxUses ?? 1)) throw testingCodeRefusal("TESTING_CODE_REPLAYED");
  return code;
}
