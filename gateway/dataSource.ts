// The gateway's call to one subgraph: the Viewer travels in a header the gateway signs, and the
// client's own token never leaves the gateway. Every call carries the request's deadline, and a
// subgraph that cannot answer (down, slow, overloaded, breaker open) yields an answer of nulls
// with a SERVICE_UNAVAILABLE error instead of an exception, so only its own fields go missing.
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import type { Fetcher, FetcherHeaders } from "@apollo/utils.fetcher";
import { GraphQLError, parse } from "graphql";
import { VIEWER_HEADER } from "../kernel/auth/viewerHeader";
import { DEADLINE_HEADER, SubgraphOverloaded, SubgraphTimeout } from "../kernel/http/keepAliveFetcher";
import { REQUEST_ID_HEADER } from "../kernel/observability";
import { isPublic, OUTCOME_UNKNOWN_MESSAGE, PARTIAL_ANSWER_MESSAGE, UNAVAILABLE_MESSAGE } from "../kernel/runtime/publicErrors";
import { errorChain } from "../kernel/db/unavailable";
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

/**
 * Whether a failed call may still have reached the subgraph, which may then have acted on it: a
 * call refused before it was sent (queue full, breaker open, deadline passed while it waited, the
 * port refusing connections) did not; one that timed out after it was sent, or whose connection
 * broke, may have.
 */
export function mayHaveArrived(err: unknown): boolean {
  if (err instanceof SubgraphTimeout) return err.sent;
  if (err instanceof SubgraphOverloaded || isBreakerOpen(err)) return false;
  return !errorChain(err).some((e) => (e as { code?: unknown }).code === "ECONNREFUSED");
}

/** A subgraph operation the query planner wrote for a mutation's root fields. */
const isMutation = (query: string | undefined) => query !== undefined && /^\s*mutation\b/.test(query);

function isClientRefusal(err: GraphQLError): boolean {
  const status = (err.extensions?.response as { status?: unknown } | undefined)?.status;
  return typeof status === "number" && status >= 400 && status < 500;
}

/**
 * The headers of one subgraph call: a plain map with lower-case names. Apollo's own data source
 * builds a node-fetch Headers and a node-fetch Request for every call (the Request only to hand to
 * an error hook we do not use); both showed in the gateway's profile.
 */
export class CallHeaders implements FetcherHeaders {
  private readonly map = new Map<string, string>();
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const had = this.map.get(key);
    this.map.set(key, had === undefined ? value : `${had}, ${value}`);
  }
  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), value);
  }
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  keys(): IterableIterator<string> {
    return this.map.keys();
  }
  values(): IterableIterator<string> {
    return this.map.values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  /** The headers as the fetcher takes them. */
  toObject(): Record<string, string> {
    return Object.fromEntries(this.map);
  }
}

/** Cache-Control's max-age and scope, as Apollo's data source reads them from a subgraph's answer. */
function cacheHint(header: string | null | undefined): { maxAge: number; scope?: "PRIVATE" | "PUBLIC" } {
  const hint: { maxAge: number; scope?: "PRIVATE" | "PUBLIC" } = { maxAge: 0 };
  if (!header) return hint;
  for (const part of header.trim().split(/\s*,\s*/)) {
    const [k, v] = part.split(/\s*=\s*/, 2);
    if (k === "max-age" && v !== undefined && /^[0-9]+$/.test(v.replace(/^"|"$/g, ""))) hint.maxAge = Number(v.replace(/^"|"$/g, ""));
    else if (k === "private" && v === undefined) hint.scope = "PRIVATE";
    else if (k === "public" && v === undefined) hint.scope = "PUBLIC";
  }
  return hint;
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

  /**
   * What RemoteGraphQLDataSource.process does with APQ off (the gateway never sends persisted
   * queries to subgraphs): the same request body, headers, error for a non-2xx answer, body
   * parsing and cache-policy hint, without node-fetch's Headers and Request per call.
   */
  private async send(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    const headers = new CallHeaders();
    if (request.http?.headers) for (const [name, value] of request.http.headers) headers.append(name, value);
    headers.set("content-type", "application/json");
    request.http = { method: "POST", url: this.url, headers };
    await this.willSendRequest(options);
    if (!request.query) throw new Error("Missing query");
    const { query, http: _http, ...rest } = request;
    const response = await this.fetcher(this.url, { method: "POST", headers: headers.toObject(), body: JSON.stringify({ query, ...rest }) });
    if (!response.ok) throw await this.errorFromResponse(response);
    const body = await this.parseBody(response);
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Error(`Expected JSON response body, but received: ${String(body)}`);
    const policy = "incomingRequestContext" in options ? options.incomingRequestContext.overallCachePolicy : undefined;
    if (this.honorSubgraphCacheControlHeader && policy && "restrict" in policy) policy.restrict(cacheHint(response.headers.get("cache-control")));
    return { ...body, http: response };
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      return await (this.apq || this.didReceiveResponse ? super.process(options) : this.send(options));
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
      // A change that may have reached the silo is not "nothing was changed": the client is told
      // the outcome is unknown, so it checks before it repeats the change. A read made for a
      // change's answer (a mutation's @requires or entity fields) claims nothing about the change,
      // which another silo may have made.
      const extensions = { code: "SERVICE_UNAVAILABLE", reason, serviceName: this.serviceName };
      const change = isMutation(options.request.query);
      const forChange = "incomingRequestContext" in options && options.incomingRequestContext.operation?.operation === "mutation";
      const error =
        change && mayHaveArrived(err) ? { message: OUTCOME_UNKNOWN_MESSAGE, extensions: { ...extensions, outcome: "UNKNOWN" } }
        : !change && forChange ? { message: PARTIAL_ANSWER_MESSAGE, extensions }
        : { message: UNAVAILABLE_MESSAGE, extensions };
      const variables = options.request.variables as { representations?: Array<Record<string, unknown>> } | undefined;
      // The plan's document node is only exposed on request; parsing here costs only on this failure path.
      const query = options.request.query;
      const data = query && variables?.representations ? entityFill(parse(query), variables.representations) : undefined;
      return data ? { data, errors: [error] } : { errors: [error] };
    }
  }
}
