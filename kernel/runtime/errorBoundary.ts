// Logs, with the request id, every error the boundary (publicErrors.ts) will rewrite, so an
// operator can find the original of what a client saw as INTERNAL_SERVER_ERROR or
// SERVICE_UNAVAILABLE. Apollo's formatError sees no context, hence a plugin beside it.
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { internalErrorRecord, isPublic } from "./publicErrors";

import { REQUEST_ID_HEADER } from "../observability";

export { REQUEST_ID_HEADER, requestIdOf } from "../observability";

export type ErrorLog = (record: Record<string, unknown>) => void;

/** Error lines on stderr as JSON (one line each). */
export const stderrErrorLog: ErrorLog = (record) => console.error(JSON.stringify(record));

/** The plugin: logs rewritten errors with the request id, and echoes the id in the response. */
export function errorBoundaryPlugin<C extends BaseContext & { requestId?: string }>(where: string, log: ErrorLog = stderrErrorLog): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            if (!isPublic({ extensions: error.extensions })) log(internalErrorRecord(error, contextValue.requestId, where));
          }
        },
        async willSendResponse({ contextValue, response }) {
          // The HTTP layer (kernel/http/serve.ts) also sets it on every response; this covers
          // servers driven without it (executeOperation in tests).
          if (contextValue.requestId) response.http.headers.set(REQUEST_ID_HEADER, contextValue.requestId);
        },
      };
    },
  };
}
