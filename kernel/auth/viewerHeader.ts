// The gateway tells each subgraph who is asking in a short-lived JWT signed with a key only the
// gateway and the subgraphs share. A subgraph refuses a request whose header is missing, forged
// or expired, so calling a subgraph directly never bypasses authentication or disclosure rules.
import { SignJWT, jwtVerify, errors } from "jose";
import { GraphQLError } from "graphql";
import { claimsFromViewer, viewerFromClaims, type Viewer } from "./viewer";

export const VIEWER_HEADER = "x-viewer";
const ISSUER = "health-graph-gateway";
const AUDIENCE = "health-graph-subgraph";
/** Long enough for one query plan's subgraph calls, short enough that a captured header is soon useless. */
export const VIEWER_HEADER_TTL_SECONDS = 30;

/** Signs the Viewer header for one subgraph request. */
export async function signViewerHeader(viewer: Viewer, key: Uint8Array, ttlSeconds = VIEWER_HEADER_TTL_SECONDS): Promise<string> {
  return new SignJWT(claimsFromViewer(viewer))
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(key);
}

function refused(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}

/** Verifies a Viewer header; throws UNAUTHENTICATED when it is missing, forged or expired. */
export async function verifyViewerHeader(header: string | undefined, key: Uint8Array): Promise<Viewer> {
  if (!header) throw refused("This service answers only requests forwarded by the gateway (no viewer header).");
  try {
    const { payload } = await jwtVerify(header, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ["HS256"], requiredClaims: ["exp"] });
    const viewer = viewerFromClaims(payload as Record<string, unknown>);
    if (viewer) return viewer;
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw refused("The viewer header has expired: send the request through the gateway.");
  }
  throw refused("The viewer header is not valid: send the request through the gateway.");
}
