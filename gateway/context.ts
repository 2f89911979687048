// Per-request context of the gateway: the verified Viewer and its signed header, signed once
// per request however many subgraph calls the query plan makes.
import type { IncomingMessage } from "node:http";
import type { Viewer } from "../kernel/auth/viewer";
import { signViewerHeader } from "../kernel/auth/viewerHeader";
import { requestIdOf } from "../kernel/observability";

export interface GatewayContext {
  viewer: Viewer;
  viewerHeader(): Promise<string>;
  /** Forwarded to every subgraph call (X-Request-Id), so their logs and audit rows join this request. */
  requestId: string;
}

/** Builds the context factory from a token verifier and the Viewer-header key. */
export function contextFactory(verify: (authorization: string | undefined) => Promise<Viewer>, viewerKey: Uint8Array) {
  return async (req: IncomingMessage): Promise<GatewayContext> => {
    const viewer = await verify(req.headers.authorization);
    let header: Promise<string> | undefined;
    return { viewer, viewerHeader: () => (header ??= signViewerHeader(viewer, viewerKey)), requestId: requestIdOf(req) };
  };
}
