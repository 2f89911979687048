// The gateway tells each subgraph who is asking in a short-lived JWT signed with a key only the
// gateway and the subgraphs share. A subgraph refuses a request whose header is missing, forged
// or expired, so calling a subgraph directly never bypasses authentication or disclosure rules.
// HS256 through node:crypto (hs256.ts). A subgraph remembers a header it verified for the header's
// remaining life (viewerHeaderVerifier), so the gateway's reuse of one header across a viewer's
// requests costs a map look-up instead of an HMAC and a JSON parse.
import { GraphQLError } from "graphql";
import { claimsFromViewer, viewerFromClaims, type Viewer } from "./viewer";
import { Hs256Expired, signHs256, verifyHs256 } from "./hs256";
import { VerifiedTokenCache } from "./tokenCache";

export const VIEWER_HEADER = "x-viewer";
const ISSUER = "health-graph-gateway";
const AUDIENCE = "health-graph-subgraph";
const REGISTERED = { issuer: ISSUER, audience: AUDIENCE };
/** Long enough for one query plan's subgraph calls, short enough that a captured header is soon useless. */
export const VIEWER_HEADER_TTL_SECONDS = 30;

/** Signs the Viewer header for one subgraph request. */
export async function signViewerHeader(viewer: Viewer, key: Uint8Array, ttlSeconds = VIEWER_HEADER_TTL_SECONDS): Promise<string> {
  return signViewerHeaderSync(viewer, key, ttlSeconds);
}

/** signViewerHeader without the promise (HMAC through node:crypto is synchronous). */
export function signViewerHeaderSync(viewer: Viewer, key: Uint8Array, ttlSeconds = VIEWER_HEADER_TTL_SECONDS): string {
  return signHs256(claimsFromViewer(viewer), key, REGISTERED, ttlSeconds);
}

function refused(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}

/** Verifies a Viewer header; throws UNAUTHENTICATED when it is missing, forged or expired. */
export async function verifyViewerHeader(header: string | undefined, key: Uint8Array): Promise<Viewer> {
  return verifyHeader(header, key).viewer;
}

function verifyHeader(header: string | undefined, key: Uint8Array): { viewer: Viewer; exp: number } {
  if (!header) throw refused("This service answers only requests forwarded by the gateway (no viewer header).");
  try {
    const claims = verifyHs256(header, key, REGISTERED);
    const viewer = viewerFromClaims(claims);
    if (viewer) return { viewer, exp: claims.exp as number };
  } catch (err) {
    if (err instanceof Hs256Expired) throw refused("The viewer header has expired: send the request through the gateway.");
  }
  throw refused("The viewer header is not valid: send the request through the gateway.");
}

/**
 * A subgraph's verifier of Viewer headers with a bounded cache: a header that verified is
 * remembered until its own `exp` (then dropped and verified again, which refuses it as expired);
 * a forged or malformed header is never stored. `max` 0 turns the cache off.
 */
export function viewerHeaderVerifier(key: Uint8Array, max = 10_000): (header: string | undefined) => Promise<Viewer> {
  const cache = new VerifiedTokenCache(max);
  return async (header) => {
    const hit = header ? cache.get(header) : undefined;
    if (hit) return hit;
    const { viewer, exp } = verifyHeader(header, key);
    cache.set(header!, viewer, exp);
    return viewer;
  };
}
