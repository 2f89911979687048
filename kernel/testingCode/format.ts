// The testing code (核酸码, seed 000) as a QR payload: "HGTC1." and a compact JWS (ES256) whose
// claims carry only the pseudonymous person id, a unique id and a short life. No name, ID number
// or phone is in it, so a photographed code discloses nothing but a pseudonym valid for minutes.

export const PREFIX = "HGTC1.";
export const ISSUER = "health-code";
export const AUDIENCE = "testing-code";
export const ALGORITHM = "ES256";
/** How long an issued code is valid: long enough to queue at a site, short enough that a screenshot is useless tomorrow. */
export const DEFAULT_TTL_SECONDS = 180;

/** Why a code was refused; each is a distinct `extensions.reason` under BAD_USER_INPUT. */
export type TestingCodeRefusalReason = "TESTING_CODE_MALFORMED" | "TESTING_CODE_FORGED" | "TESTING_CODE_EXPIRED" | "TESTING_CODE_REPLAYED";

/** A verified code's facts. */
export interface VerifiedTestingCode {
  personId: string;
  codeId: string;
  issuedAt: Date;
  expiresAt: Date;
}
