// Per-request context of the gateway: the verified Viewer and its signed header (signed once and
// reused by the same client token for a few seconds, however many subgraph calls each plan makes), the request's deadline and its id.
// The header is signed to outlive the deadline, so a request that waited (for a socket, a slow
// subgraph) is never refused as UNAUTHENTICATED by the subgraph it finally reaches.
import type { IncomingMessage } from "node:http";
import type { Viewer } from "../kernel/auth/viewer";
import { signViewerHeaderSync } from "../kernel/auth/viewerHeader";
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
/** How long one signed Viewer header serves the same client token's later requests. */
export const HEADER_REUSE_SECONDS = 10;
/** Client tokens whose signed header is remembered (the oldest forgotten first). */
const SIGNED_HEADERS_MAX = 10_000;

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
  // A header must outlive any request that uses it: `needSeconds` left at its last use. It is
  // signed for HEADER_REUSE_SECONDS more than that and reused by the same client token meanwhile,
  // so a client's requests within those seconds share one header (one HMAC, and one verification
  // per subgraph, which remembers it), instead of signing on every request.
  const needSeconds = Math.ceil(deadlineMs / 1000) + HEADER_SKEW_SECONDS;
  const ttlSeconds = needSeconds + HEADER_REUSE_SECONDS;
  const signed = new Map<string, { header: string; exp: number }>();
  const headerFor = (authorization: string | undefined, viewer: Viewer): string => {
    const now = Math.floor(Date.now() / 1000);
    const hit = authorization ? signed.get(authorization) : undefined;
    if (hit && hit.exp - now >= needSeconds) return hit.header;
    const header = signViewerHeaderSync(viewer, viewerKey, ttlSeconds);
    if (authorization) {
      if (hit) signed.delete(authorization);
      else if (signed.size >= SIGNED_HEADERS_MAX) signed.delete(signed.keys().next().value as string);
      signed.set(authorization, { header, exp: now + ttlSeconds });
    }
    return header;
  };
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
    const authorization = req.headers.authorization;
    return { viewer, deadline, fetchTimeoutMs, requestId, viewerHeader: () => (header ??= Promise.resolve(headerFor(authorization, viewer))) };
  };
}
