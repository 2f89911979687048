// What a client sees of an error: a stable code, a message a person can act on, and nothing of a
// subgraph's raw response. Validation errors keep the code of the rule or scalar that raised them
// (a malformed DateTime is BAD_USER_INPUT, a limit is OPERATION_LIMIT_EXCEEDED), and a subgraph's
// refusal of a request (HTTP 4xx) reaches the client as the subgraph's own error, not "400: Bad Request".
import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { LIMIT_CODE } from "./limits";

/** Codes a client may cause; a subgraph error with one of these keeps it. */
const CLIENT_CODES = new Set(["UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT", "NOT_FOUND", "CONFLICT", LIMIT_CODE]);

interface DownstreamResponse {
  status?: number;
  body?: { errors?: Array<{ message?: string; extensions?: { code?: string } }> } | string;
}

function codeOf(error: unknown): string | undefined {
  const code = error instanceof GraphQLError ? error.extensions?.code : undefined;
  return typeof code === "string" ? code : undefined;
}

/** Apollo Server's formatError for the gateway. */
export function formatGatewayError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const { response, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown> & { response?: DownstreamResponse };
  const original = unwrapResolverError(error);
  const cause = original instanceof GraphQLError ? original.originalError : undefined;
  // A rule or a scalar raised this during validation with its own code: keep that code.
  const causeCode = codeOf(cause);
  if (extensions.code === "GRAPHQL_VALIDATION_FAILED" && causeCode && CLIENT_CODES.has(causeCode)) {
    const { http: _http, ...own } = (cause as GraphQLError).extensions;
    return { ...formatted, extensions: { ...extensions, ...own, code: causeCode } };
  }
  if (extensions.validationErrorCode === "MAX_RECURSIVE_SELECTIONS_EXCEEDED") {
    return { ...formatted, message: `${formatted.message} Simplify the operation or split it into several.`, extensions: { code: LIMIT_CODE, limit: "selections" } };
  }
  const tokens = extensions.code === "GRAPHQL_PARSE_FAILED" ? /more tha[nt] (\d+) tokens/.exec(formatted.message) : null;
  if (tokens) {
    return { ...formatted, message: `This document has more than ${tokens[1]} tokens; the limit is ${tokens[1]}. Simplify the operation or split it into several.`, extensions: { ...extensions, code: LIMIT_CODE, limit: "tokens", max: Number(tokens[1]) } };
  }
  if (response && typeof response.status === "number" && response.status >= 400 && response.status < 500) {
    const inner = typeof response.body === "object" ? response.body.errors?.[0] : undefined;
    const code = inner?.extensions?.code;
    if (inner?.message && code && CLIENT_CODES.has(code)) return { ...formatted, message: inner.message, extensions: { ...extensions, code } };
    return { ...formatted, message: "A service refused part of this request as malformed.", extensions: { ...extensions, code: "BAD_USER_INPUT" } };
  }
  return response ? { ...formatted, extensions } : formatted;
}
