// The gateway tells each subgraph who is asking in a short-lived JWT signed with a key only the
// gateway and the subgraphs share. A subgraph refuses a request whose header is missing, forged
// or expired, so calling a subgraph directly never bypasses authentication or disclosure rules.
// HS256 through node:crypto (hs256.ts): the header is signed and verified on every request.
import { GraphQLError } from "graphql";
import { claimsFromViewer, viewerFromClaims, type Viewer } from "./viewer";
import { Hs256Expired, signHs256, verifyHs256 } from "./hs256";

export const VIEWER_HEADER = "x-viewer";
const ISSUER = "health-graph-gateway";
const AUDIENCE = "health-graph-subgraph";
const REGISTERED = { issuer: ISSUER, audience: AUDIENCE };
/** Long enough for one query plan's subgraph calls, short enough that a captured header is soon useless. */
export const VIEWER_HEADER_TTL_SECONDS = 30;

/** Signs the Viewer header for one subgraph request. */
export async function signViewerHeader(viewer: Viewer, key: Uint8Array, ttlSeconds = VIEWER_HEADER_TTL_SECONDS): Promise<string> {
  return signHs256(claimsFromViewer(viewer), key, REGISTERED, ttlSeconds);
}

function refused(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}

/** Verifies a Viewer header; throws UNAUTHENTICATED when it is missing, forged or expired. */
export async function verifyViewerHeader(header: string | undefined, key: Uint8Array): Promise<Viewer> {
  if (!header) throw refused("This service answers only requests forwarded by the gateway (no viewer header).");
  try {
    const viewer = viewerFromClaims(verifyHs256(header, key, REGISTERED));
    if (viewer) return viewer;
  } catch (err) {
    if (err instanceof Hs256Expired) throw refused("The viewer header has expired: send the request through the gateway.");
  }
  throw refused("The viewer header is not valid: send the request through the gateway.");
}
