// The gateway's call to one subgraph: the Viewer travels in a header the gateway signs, and the
// client's own token never leaves the gateway. Every call carries the request's deadline, and a
// subgraph that cannot answer (down, slow, overloaded, breaker open) yields an answer of nulls
// with a SERVICE_UNAVAILABLE error instead of an exception, so only its own fields go missing.
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import type { Fetcher } from "@apollo/utils.fetcher";
import { GraphQLError, parse } from "graphql";
import { VIEWER_HEADER } from "../kernel/auth/viewerHeader";
import { DEADLINE_HEADER, SubgraphOverloaded, SubgraphTimeout } from "../kernel/http/keepAliveFetcher";
import { REQUEST_ID_HEADER } from "../kernel/observability";
import { isPublic, UNAVAILABLE_MESSAGE } from "../kernel/runtime/publicErrors";
import type { GatewayContext } from "./context";
import { entityFill } from "./entityFill";
import { isBreakerOpen } from "./subgraphClient";

/** Why a subgraph call produced no answer, as clients see it in extensions.reason. */
export type UnavailableReason = "TIMEOUT" | "OVERLOADED" | "CIRCUIT_OPEN" | "UNREACHABLE";

export function unavailableReason(err: unknown): UnavailableReason {
  if (err instanceof SubgraphTimeout) return "TIMEOUT";
  if (err instanceof SubgraphOverloaded) return "OVERLOADED";
  if (isBreakerOpen(err)) return "CIRCUIT_OPEN";
  return "UNREACHABLE";
}

function isClientRefusal(err: GraphQLError): boolean {
  const status = (err.extensions?.response as { status?: unknown } | undefined)?.status;
  return typeof status === "number" && status >= 400 && status < 500;
}

/** A subgraph data source that forwards the signed Viewer header and the request's deadline. */
export class ViewerForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    fetcher: Fetcher,
    private readonly serviceName: string,
    private readonly onUnavailable: (name: string, reason: UnavailableReason, err: unknown, ctx: GatewayContext | undefined) => void = () => undefined,
  ) {
    super({ url, fetcher });
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    // Health checks and schema loading run without a request context; they carry no Viewer.
    if (context && "viewerHeader" in context && typeof context.viewerHeader === "function") {
      request.http?.headers.set(VIEWER_HEADER, await context.viewerHeader());
      request.http?.headers.set(DEADLINE_HEADER, String(Math.min(context.deadline, Date.now() + context.fetchTimeoutMs)));
      request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
    }
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      return await super.process(options);
    } catch (err) {
      // An error the subgraph itself stated with one of our codes (e.g. UNAUTHENTICATED on a 401)
      // keeps its meaning; everything else is "this silo cannot answer now".
      // Its words, not the raw response Apollo attaches (extensions.response holds the whole body).
      if (err instanceof GraphQLError && isPublic(err)) throw new GraphQLError(err.message, { extensions: { code: err.extensions.code, serviceName: this.serviceName } });
      // A subgraph's refusal of the request itself (HTTP 4xx) is the client's doing, not an outage:
      // formatGatewayError turns it into the subgraph's own error and code, and drops the response.
      if (err instanceof GraphQLError && isClientRefusal(err)) throw err;
      const reason = unavailableReason(err);
      const context = options.context as GatewayContext | undefined;
      this.onUnavailable(this.serviceName, reason, err, context);
      const error = { message: UNAVAILABLE_MESSAGE, extensions: { code: "SERVICE_UNAVAILABLE", reason, serviceName: this.serviceName } };
      const variables = options.request.variables as { representations?: Array<Record<string, unknown>> } | undefined;
      // The plan's document node is only exposed on request; parsing here costs only on this failure path.
      const query = options.request.query;
      const data = query && variables?.representations ? entityFill(parse(query), variables.representations) : undefined;
      return data ? { data, errors: [error] } : { errors: [error] };
    }
  }
}
