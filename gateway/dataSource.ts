// The gateway's call to one subgraph: the Viewer travels in a header the gateway signs, and the
// client's own token never leaves the gateway.
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import type { Fetcher } from "@apollo/utils.fetcher";
import { VIEWER_HEADER } from "../kernel/auth/viewerHeader";
import { REQUEST_ID_HEADER } from "../kernel/observability";
import type { GatewayContext } from "./context";

/** A subgraph data source that forwards the signed Viewer header. */
export class ViewerForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, fetcher: Fetcher) {
    super({ url, fetcher });
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    // Health checks and schema loading run without a request context; they carry no Viewer.
    if (context && "viewerHeader" in context && typeof context.viewerHeader === "function") {
      request.http?.headers.set(VIEWER_HEADER, await context.viewerHeader());
      request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
    }
  }
}
