// The error boundary of every server: what a client may read of an error. Errors the project
// raised on purpose (a stable code and a message written for a person) pass unchanged; anything
// else (connection failures, Prisma and SQL messages, stack-bearing exceptions) is replaced by a
// stable code and plain words, and the original goes to the log with the request id.
import type { GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import { isDatabaseUnavailable, errorChain } from "../db/unavailable";

/** Codes whose messages the project writes itself; everything else is rewritten. */
const PUBLIC_CODES = new Set([
  "UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT", "NOT_FOUND", "CONFLICT", "AUDIT_UNAVAILABLE",
  "SERVICE_UNAVAILABLE", "GATEWAY_TIMEOUT",
  // The gateway's refusals before planning (gateway/limits, gateway/rateLimit, kernel/http/serve.ts).
  "OPERATION_LIMIT_EXCEEDED", "RATE_LIMITED", "PAYLOAD_TOO_LARGE",
  // Apollo Server's own request errors: their messages describe the client's operation, not us.
  "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST", "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_SUPPORTED",
]);

export const UNAVAILABLE_MESSAGE = "This part of the service is unavailable for a moment; nothing was changed. Try again shortly.";
/** A read for a change's answer that a silo could not serve: the change itself is not undone. */
export const PARTIAL_ANSWER_MESSAGE = "This part of the service is unavailable for a moment, so these fields are missing from the answer. Read them again shortly.";
/** A change sent to a silo that did not answer: it may have been made there (extensions.outcome "UNKNOWN"). */
export const OUTCOME_UNKNOWN_MESSAGE = "This part of the service did not answer in time, so your change may or may not have been made. Check before you try again.";
export const INTERNAL_MESSAGE = "Something went wrong on our side; nothing was changed. Try again, and report it if it keeps happening.";

/** True when an error carries one of the project's own codes, so its message was written for a person. */
export function isPublic(formatted: Pick<GraphQLFormattedError, "extensions">): boolean {
  const code = formatted.extensions?.code;
  return typeof code === "string" && PUBLIC_CODES.has(code);
}

/** The client's view of an error: public ones as they are, the rest as a stable code and plain words. */
export function publicError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (isPublic(formatted)) return withoutStack(formatted);
  const unavailable = isDatabaseUnavailable(unwrapResolverError(error)) || formatted.extensions?.code === "SERVICE_UNAVAILABLE";
  const { serviceName } = (formatted.extensions ?? {}) as { serviceName?: string };
  return {
    message: unavailable ? UNAVAILABLE_MESSAGE : INTERNAL_MESSAGE,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: unavailable ? "SERVICE_UNAVAILABLE" : "INTERNAL_SERVER_ERROR", ...(serviceName ? { serviceName } : {}) },
  };
}

function withoutStack(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions || !("stacktrace" in formatted.extensions) || process.env.NODE_ENV === "development") return formatted;
  const { stacktrace: _dropped, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}

/**
 * One log line for an error the boundary rewrote: its kind and codes along the cause chain, and its
 * message with quoted values and long digit runs removed, since driver and Prisma messages can
 * quote query arguments (which may be personal data).
 */
export function internalErrorRecord(error: unknown, requestId: string | undefined, where: string): Record<string, unknown> {
  const chain = errorChain(unwrapResolverError(error));
  const codes = chain.flatMap((e) => [(e as { code?: unknown }).code, (e as { extensions?: { code?: unknown } }).extensions?.code]).filter((c) => typeof c === "string");
  const first = chain[0] as { name?: string; message?: string } | undefined;
  return {
    level: "error",
    msg: "internal error replaced at the boundary",
    where,
    requestId: requestId ?? null,
    kind: first?.name ?? typeof error,
    codes: [...new Set(codes)],
    detail: scrub(chain.map((e) => (e as { message?: string }).message ?? "").filter(Boolean).join(" <- ")),
  };
}

/** Removes quoted strings, long digit runs and non-ASCII letters (names) from a message. */
export function scrub(text: string): string {
  return text
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, "<value>")
    .replace(/\d{6,}[\dXx]*/g, "<digits>")
    .replace(/[^\x00-\x7F]+/g, "<text>")
    .slice(0, 600);
}
