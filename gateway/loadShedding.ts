// Tells clients when to come back. A response in which some subgraph was refused (its queue full,
// or its breaker open) carries Retry-After; one with no data at all is a 503, so load balancers and
// clients back off instead of retrying at once into the same overload.
import type { ApolloServerPlugin } from "@apollo/server";
import type { GatewayContext } from "./context";
import { singleResponsePlugin } from "./responseHook";

const SHED = new Set(["OVERLOADED", "CIRCUIT_OPEN", "TIMEOUT"]);

function hasData(data: Record<string, unknown> | null | undefined): boolean {
  return !!data && Object.values(data).some((v) => v !== null && v !== undefined);
}

/** The plugin; `retryAfterSeconds` is about how long an open breaker waits before its probe. */
export function loadSheddingPlugin(retryAfterSeconds: number): ApolloServerPlugin<GatewayContext> {
  return singleResponsePlugin<GatewayContext>(({ data, errors }, http) => {
    const shed = errors?.some((e) => e.extensions?.code === "SERVICE_UNAVAILABLE" && SHED.has(String(e.extensions?.reason)));
    if (!shed) return;
    http.headers.set("retry-after", String(retryAfterSeconds));
    if (!hasData(data)) http.status = 503;
  });
}
