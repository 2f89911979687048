// The request id: taken from the client's X-Request-Id when it is a plain token, otherwise made
// here; sent back on the response, forwarded by the gateway to every subgraph it calls, and
// written on every log line and audit row of the request.
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

export const REQUEST_ID_HEADER = "x-request-id";
const PLAIN = /^[A-Za-z0-9._:-]{8,64}$/;
const ids = new WeakMap<IncomingMessage, string>();

/** Assigns the request its id (once) and returns it. */
export function assignRequestId(req: IncomingMessage): string {
  let id = ids.get(req);
  if (id) return id;
  const header = req.headers[REQUEST_ID_HEADER];
  const given = Array.isArray(header) ? header[0] : header;
  id = given && PLAIN.test(given) ? given : randomUUID();
  ids.set(req, id);
  return id;
}

/** The id assigned to this request (assigning one if none was yet). */
export function requestIdOf(req: IncomingMessage): string {
  return ids.get(req) ?? assignRequestId(req);
}
