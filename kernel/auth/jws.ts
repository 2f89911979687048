// The parts of a compact JWS that every verifier here reads the same way: the client tokens and
// Viewer headers (HS256, kernel/auth/hs256.ts) and health-code's testing codes (ES256,
// kernel/testingCode/verify.ts). Each verifier checks its own signature and maps a failure to its
// own error.

const B64URL = /^[A-Za-z0-9_-]*$/;

/** A segment decoded as a JSON object; null when it is not base64url-encoded JSON of an object. */
export function jsonObjectSegment(part: string): Record<string, unknown> | null {
  if (!B64URL.test(part)) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The header names exactly `alg` and asks for no extension (`crit`, `b64`): anything else was not signed by us. */
export function plainHeader(header: Record<string, unknown>, alg: string): boolean {
  return header.alg === alg && !("crit" in header) && !("b64" in header);
}

/** `aud` is the expected audience or an array holding it. */
export function audienceIncludes(aud: unknown, expected: string): boolean {
  return aud === expected || (Array.isArray(aud) && aud.includes(expected));
}
