// The project's error vocabulary: a stable code for machines, a message for a person.
import { GraphQLError } from "graphql";

export type ErrorCode = "UNAUTHENTICATED" | "FORBIDDEN" | "BAD_USER_INPUT" | "NOT_FOUND" | "CONFLICT";

/** A GraphQLError with a stable `extensions.code` (and optional machine-readable details). */
export function fail(code: ErrorCode, message: string, details: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...details, code } });
}

/**
 * A GraphQLError without a captured stack: for the expected, frequent refusals (a DENIED field
 * in every row of a list) whose stack is never shown and costs more than the field itself.
 */
export function refusal(code: ErrorCode, message: string): GraphQLError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new GraphQLError(message, { extensions: { code } });
  } finally {
    Error.stackTraceLimit = limit;
  }
}
