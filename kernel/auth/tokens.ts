// Bearer tokens for clients: HS256 with a configured secret (dev and embedded), or RS256/ES256
// verified against a JWKS URL in production. Failures become UNAUTHENTICATED, with a message
// that says what to do and nothing about the token's contents. HS256 goes through node:crypto
// (hs256.ts); jose verifies JWKS tokens. A verified token is cached for its remaining life.
import { createRemoteJWKSet, jwtVerify, errors, type JWTVerifyGetKey } from "jose";
import { GraphQLError } from "graphql";
import { checkTokenClaims } from "./claimRules";
import { claimsFromViewer, viewerFromClaims, type Viewer } from "./viewer";
import { Hs256Expired, signHs256, verifyHs256 } from "./hs256";
import { VerifiedTokenCache } from "./tokenCache";

export const TOKEN_ISSUER = "health-graph";
export const TOKEN_AUDIENCE = "health-graph-gateway";

export interface TokenVerifierConfig {
  hs256Secret?: Uint8Array;
  jwksUrl?: string;
  /** How many verified tokens to remember (default 10,000; 0 turns the cache off). */
  cacheSize?: number;
  /** Longest lifetime (exp − iat) a client token may have; default: kernel/auth/claimRules.ts. */
  maxLifetimeSeconds?: number;
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}

/** Signs a client token for a Viewer (dev signing key; used by `npm run token` and tests). */
export async function signToken(viewer: Viewer, secret: Uint8Array, ttlSeconds = 3600): Promise<string> {
  return signHs256(claimsFromViewer(viewer), secret, { issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE }, ttlSeconds);
}

/** Returns a function that turns an Authorization header value into a Viewer or throws UNAUTHENTICATED. */
export function tokenVerifier(config: TokenVerifierConfig): (authorization: string | undefined) => Promise<Viewer> {
  const jwks: JWTVerifyGetKey | undefined = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : undefined;
  // A token without an expiry would be valid forever: refuse it.
  const options = { issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, requiredClaims: ["exp"] };
  const registered = { issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE };
  const cache = new VerifiedTokenCache(config.cacheSize);
  return async (authorization) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!match?.[1]) {
      throw unauthenticated("Sign in first: send an 'Authorization: Bearer <token>' header (npm run -s token -- <ROLE> prints one for development).");
    }
    const token = match[1];
    const cached = cache.get(token);
    if (cached) return cached;
    let payload: Record<string, unknown>;
    try {
      payload = jwks
        ? ((await jwtVerify(token, jwks, { ...options, algorithms: ["RS256", "ES256"] })).payload as Record<string, unknown>)
        : verifyHs256(token, config.hs256Secret as Uint8Array, registered);
    } catch (err) {
      if (err instanceof errors.JWTExpired || err instanceof Hs256Expired) throw unauthenticated("Your token has expired: sign in again.");
      throw unauthenticated("Your token is not valid here: sign in again.");
    }
    const viewer = viewerFromClaims(payload);
    if (!viewer) throw unauthenticated("Your token names no known role: ask for a token with a role.");
    checkTokenClaims(payload, viewer, config.maxLifetimeSeconds);
    cache.set(token, viewer, payload.exp as number);
    return viewer;
  };
}
