// Telling "the database is unreachable" apart from every other failure. A dropped connection, a
// server that is restarting or shutting down, or a pool that cannot connect fails only the request
// or transaction it served, with a retryable SERVICE_UNAVAILABLE; nothing else about it is shown.

// SQLSTATE classes and codes that mean the server went away or will not take work right now:
// 08 connection exceptions, 57P01-57P03 admin shutdown / crash shutdown / cannot connect now,
// 53300 too many connections.
const SQLSTATES = /^(08\d{3}|57P0[1-3]|53300)$/;
// Node socket errors on the way to the server.
const ERRNOS = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
// Prisma's codes for "cannot reach", "timed out", "server closed the connection", "pool timeout".
const PRISMA = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
// Texts node-postgres and Prisma use when they carry no code (checked only as a last resort).
const TEXTS = [
  /Connection terminated/i,
  /Client has encountered a connection error/i,
  /timeout exceeded when trying to connect/i,
  /Client was closed and is not queryable/i,
  /Cannot use a pool after calling end/i,
  /Connection ended unexpectedly/i,
  /terminating connection due to administrator command/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /Raw query failed\. Code: `?(08\d{3}|57P0[1-3]|53300)/,
  /Can't reach database server/i,
  /Server has closed the connection/i,
];

function codesOf(err: object): unknown[] {
  const e = err as Record<string, unknown>;
  return [e.code, e.errno, e.originalCode, (e.cause as Record<string, unknown> | undefined)?.originalCode, (e.cause as Record<string, unknown> | undefined)?.code];
}

/** The error and everything it wraps (cause, originalError, AggregateError members), nearest first. */
export function errorChain(err: unknown, limit = 8): object[] {
  const out: object[] = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && out.length < limit) {
    const e = queue.shift();
    if (!e || typeof e !== "object" || out.includes(e)) continue;
    out.push(e);
    const r = e as Record<string, unknown>;
    queue.push(r.originalError, r.cause);
    if (Array.isArray(r.errors)) queue.push(...r.errors);
  }
  return out;
}

/** True when the failure is the database (or its connection) being unavailable, not the request. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (const e of errorChain(err)) {
    for (const code of codesOf(e)) {
      if (typeof code !== "string") continue;
      if (SQLSTATES.test(code) || ERRNOS.has(code) || PRISMA.has(code)) return true;
    }
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && TEXTS.some((t) => t.test(message))) return true;
  }
  return false;
}
