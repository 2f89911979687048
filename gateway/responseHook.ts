// A plugin that looks at each single (non-incremental) response before it is sent: the shape the
// gateway's status and header rules share.
import type { ApolloServerPlugin, BaseContext, GraphQLRequestContextWillSendResponse } from "@apollo/server";
import type { FormattedExecutionResult } from "graphql";

export type SingleResponseRule<C extends BaseContext> = (result: FormattedExecutionResult, http: GraphQLRequestContextWillSendResponse<C>["response"]["http"]) => void;

/** Runs `rule` on every single-result response in willSendResponse. */
export function singleResponsePlugin<C extends BaseContext>(rule: SingleResponseRule<C>): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind === "single") rule(response.body.singleResult, response.http);
        },
      };
    },
  };
}
