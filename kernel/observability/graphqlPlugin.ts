// Measures and logs GraphQL operations: one operations counter and timer per request, and an
// error log line for every error that is not the client's doing (no code, or a server-side
// code). The log line has the request id, the operation's name and type, the error's code and
// its message scrubbed of anything personal.
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import type { GraphQLError } from "graphql";
import type { Logger } from "./logger";
import { scrub } from "./logger";
import type { ServiceMetrics } from "./metrics";

/** Codes that name a client's mistake or a refusal: counted, not logged as errors. */
export const CLIENT_ERROR_CODES = new Set([
  "UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT", "NOT_FOUND", "CONFLICT", "OPERATION_LIMIT_EXCEEDED", "RATE_LIMITED",
  "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST", "PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_SUPPORTED", "OPERATION_RESOLUTION_FAILURE",
]);

function codeOf(error: GraphQLError): string {
  const code = error.extensions?.code;
  return typeof code === "string" ? code : "INTERNAL_SERVER_ERROR";
}

/** The plugin; contexts that carry `requestId` have it on every log line. */
export function observabilityPlugin<C extends BaseContext>(metrics: ServiceMetrics, log: Logger): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async didEncounterErrors({ errors, operation, operationName, contextValue }) {
          const requestId = (contextValue as { requestId?: string }).requestId;
          for (const error of errors) {
            const code = codeOf(error);
            if (CLIENT_ERROR_CODES.has(code)) continue;
            log.error({ requestId, operation: operationName ?? null, type: operation?.operation ?? null, code, path: error.path?.join("."), message: scrub(error.message) }, "operation error");
          }
        },
        async willSendResponse({ response, operation }) {
          const type = operation?.operation ?? "unknown";
          const errors = response.body.kind === "single" ? response.body.singleResult.errors : undefined;
          const first = errors?.[0]?.extensions?.code;
          metrics.operations.inc({ type, outcome: errors?.length ? (typeof first === "string" ? first : "INTERNAL_SERVER_ERROR") : "ok" });
          metrics.operationDuration.observe({ type }, (performance.now() - started) / 1000);
        },
      };
    },
  };
}
