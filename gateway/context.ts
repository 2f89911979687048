// Per-request context of the gateway: the verified Viewer and its signed header, signed once per
// request however many subgraph calls the query plan makes, the request's deadline and its id.
// The header is signed to outlive the deadline, so a request that waited (for a socket, a slow
// subgraph) is never refused as UNAUTHENTICATED by the subgraph it finally reaches.
import type { IncomingMessage } from "node:http";
import type { Viewer } from "../kernel/auth/viewer";
import { signViewerHeader } from "../kernel/auth/viewerHeader";
import { requestIdOf } from "../kernel/runtime/errorBoundary";

export interface GatewayContext {
  viewer: Viewer;
  viewerHeader(): Promise<string>;
  /** Epoch ms by which every subgraph call of this request must be over. */
  deadline: number;
  /** The longest one subgraph call may take (within the deadline), so that a call planned after a slow one still has time. */
  fetchTimeoutMs: number;
  requestId: string;
}

/** Seconds of Viewer-header life beyond the deadline, for clock skew between gateway and subgraphs. */
export const HEADER_SKEW_SECONDS = 5;

/** Builds the context factory from a token verifier, the Viewer-header key and the request deadline. */
export function contextFactory(verify: (authorization: string | undefined) => Promise<Viewer>, viewerKey: Uint8Array, deadlineMs: number, fetchTimeoutMs = deadlineMs) {
  const ttlSeconds = Math.ceil(deadlineMs / 1000) + HEADER_SKEW_SECONDS;
  return async (req: IncomingMessage): Promise<GatewayContext> => {
    const deadline = Date.now() + deadlineMs;
    const requestId = requestIdOf(req);
    const viewer = await verify(req.headers.authorization);
    let header: Promise<string> | undefined;
    return { viewer, deadline, fetchTimeoutMs, requestId, viewerHeader: () => (header ??= signViewerHeader(viewer, viewerKey, ttlSeconds)) };
  };
}
