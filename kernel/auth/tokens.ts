// Bearer tokens for clients: HS256 with a configured secret (dev and embedded), or RS256/ES256
// verified against a JWKS URL in production. Failures become UNAUTHENTICATED, with a message
// that says what to do and nothing about the token's contents.
import { SignJWT, createRemoteJWKSet, jwtVerify, errors, type JWTVerifyGetKey } from "jose";
import { GraphQLError } from "graphql";
import { checkTokenClaims } from "./claimRules";
import { claimsFromViewer, viewerFromClaims, type Viewer } from "./viewer";

export const TOKEN_ISSUER = "health-graph";
export const TOKEN_AUDIENCE = "health-graph-gateway";

export interface TokenVerifierConfig {
  hs256Secret?: Uint8Array;
  jwksUrl?: string;
  /** Longest lifetime (exp − iat) a client token may have; default: kernel/auth/claimRules.ts. */
  maxLifetimeSeconds?: number;
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}

/** Signs a client token for a Viewer (dev signing key; used by `npm run token` and tests). */
export async function signToken(viewer: Viewer, secret: Uint8Array, ttlSeconds = 3600): Promise<string> {
  return new SignJWT(claimsFromViewer(viewer))
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(secret);
}

/** Returns a function that turns an Authorization header value into a Viewer or throws UNAUTHENTICATED. */
export function tokenVerifier(config: TokenVerifierConfig): (authorization: string | undefined) => Promise<Viewer> {
  const jwks: JWTVerifyGetKey | undefined = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : undefined;
  // A token without an expiry would be valid forever: refuse it.
  const options = { issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, requiredClaims: ["exp"] };
  return async (authorization) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!match?.[1]) {
      throw unauthenticated("Sign in first: send an 'Authorization: Bearer <token>' header (npm run -s token -- <ROLE> prints one for development).");
    }
    let payload: Record<string, unknown>;
    try {
      const result = jwks
        ? await jwtVerify(match[1], jwks, { ...options, algorithms: ["RS256", "ES256"] })
        : await jwtVerify(match[1], config.hs256Secret as Uint8Array, { ...options, algorithms: ["HS256"] });
      payload = result.payload as Record<string, unknown>;
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw unauthenticated("Your token has expired: sign in again.");
      throw unauthenticated("Your token is not valid here: sign in again.");
    }
    const viewer = viewerFromClaims(payload);
    if (!viewer) throw unauthenticated("Your token names no known role: ask for a token with a role.");
    checkTokenClaims(payload, viewer, config.maxLifetimeSeconds);
    return viewer;
  };
}
