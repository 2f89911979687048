// The refusal every operation limit answers with: HTTP 400, a stable code, the limit's name and
// value, so a client can tell which limit it met and by how much.
import { GraphQLError } from "graphql";

export const LIMIT_CODE = "OPERATION_LIMIT_EXCEEDED";

/** A GraphQLError for an operation over one of the gateway's limits. */
export function limitExceeded(limit: string, max: number, message: string): GraphQLError {
  return new GraphQLError(`${message} Simplify the operation or split it into several.`, {
    extensions: { code: LIMIT_CODE, limit, max, http: { status: 400 } },
  });
}
