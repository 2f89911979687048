// Per-request context of the gateway: the verified Viewer and its signed header, signed once
// per request however many subgraph calls the query plan makes.
import type { IncomingMessage } from "node:http";
import type { Viewer } from "../kernel/auth/viewer";
import { signViewerHeader } from "../kernel/auth/viewerHeader";
import { requestIdOf } from "../kernel/observability";
import type { GatewayRateLimiter } from "./rateLimit/limiter";

export interface GatewayContext {
  viewer: Viewer;
  viewerHeader(): Promise<string>;
  /** Forwarded to every subgraph call (X-Request-Id), so their logs and audit rows join this request. */
  requestId: string;
}

/** The client's address as the socket sees it (no proxy headers are trusted). */
export function clientAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? "unknown";
}

/**
 * Builds the context factory from a token verifier and the Viewer-header key. With a rate
 * limiter, a failed sign-in counts against the client's address and a verified subject is
 * charged one request.
 */
export function contextFactory(verify: (authorization: string | undefined) => Promise<Viewer>, viewerKey: Uint8Array, limiter?: GatewayRateLimiter) {
  return async (req: IncomingMessage): Promise<GatewayContext> => {
    let viewer: Viewer;
    try {
      viewer = await verify(req.headers.authorization);
    } catch (err) {
      await limiter?.chargeFailedAuth(clientAddress(req));
      throw err;
    }
    if (viewer.subject) await limiter?.chargeSubject(viewer.subject);
    let header: Promise<string> | undefined;
    return { viewer, viewerHeader: () => (header ??= signViewerHeader(viewer, viewerKey)), requestId: requestIdOf(req) };
  };
}
