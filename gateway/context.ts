// Per-request context of the gateway: the verified Viewer and its signed header, signed once per
// request however many subgraph calls the query plan makes, the request's deadline and its id.
// The header is signed to outlive the deadline, so a request that waited (for a socket, a slow
// subgraph) is never refused as UNAUTHENTICATED by the subgraph it finally reaches.
import type { IncomingMessage } from "node:http";
import type { Viewer } from "../kernel/auth/viewer";
import { signViewerHeader } from "../kernel/auth/viewerHeader";
import { requestIdOf } from "../kernel/observability";
import type { GatewayRateLimiter } from "./rateLimit/limiter";

export interface GatewayContext {
  viewer: Viewer;
  viewerHeader(): Promise<string>;
  /** Epoch ms by which every subgraph call of this request must be over. */
  deadline: number;
  /** The longest one subgraph call may take (within the deadline), so that a call planned after a slow one still has time. */
  fetchTimeoutMs: number;
  /** Forwarded to every subgraph call (X-Request-Id), so their logs and audit rows join this request. */
  requestId: string;
}

/** Seconds of Viewer-header life beyond the deadline, for clock skew between gateway and subgraphs. */
export const HEADER_SKEW_SECONDS = 5;

/** The client's address as the socket sees it (no proxy headers are trusted). */
export function clientAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? "unknown";
}

export interface ContextTiming {
  deadlineMs: number;
  fetchTimeoutMs?: number;
}

/**
 * Builds the context factory from a token verifier, the Viewer-header key and the request
 * deadline. With a rate limiter, a failed sign-in counts against the client's address and a
 * verified subject is charged one request.
 */
export function contextFactory(verify: (authorization: string | undefined) => Promise<Viewer>, viewerKey: Uint8Array, timing: ContextTiming, limiter?: GatewayRateLimiter) {
  const { deadlineMs } = timing;
  const fetchTimeoutMs = timing.fetchTimeoutMs ?? deadlineMs;
  const ttlSeconds = Math.ceil(deadlineMs / 1000) + HEADER_SKEW_SECONDS;
  return async (req: IncomingMessage): Promise<GatewayContext> => {
    const deadline = Date.now() + deadlineMs;
    const requestId = requestIdOf(req);
    let viewer: Viewer;
    try {
      viewer = await verify(req.headers.authorization);
    } catch (err) {
      await limiter?.chargeFailedAuth(clientAddress(req));
      throw err;
    }
    if (viewer.subject) await limiter?.chargeSubject(viewer.subject);
    let header: Promise<string> | undefined;
    return { viewer, deadline, fetchTimeoutMs, requestId, viewerHeader: () => (header ??= signViewerHeader(viewer, viewerKey, ttlSeconds)) };
  };
}
