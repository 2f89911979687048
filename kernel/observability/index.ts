// Logs and metrics of one service, made once and shared by its HTTP layer and its Apollo plugin.
import { accessLogger, serviceLogger, type Logger } from "./logger";
import { serviceMetrics, type ServiceMetrics } from "./metrics";

export interface Observability {
  service: string;
  log: Logger;
  /** The access log (one line per HTTP request, fixed non-personal fields, no redaction pass). */
  access: Logger;
  metrics: ServiceMetrics;
}

const attached = new WeakMap<object, Observability>();

/** A service's logger and metrics registry. */
export function createObservability(service: string): Observability {
  return { service, log: serviceLogger(service), access: accessLogger(service), metrics: serviceMetrics() };
}

/** Remembers which observability belongs to a server built elsewhere (a subgraph's ApolloServer). */
export function attachObservability(server: object, obs: Observability): void {
  attached.set(server, obs);
}

/** The observability attached to `server`, if any. */
export function observabilityOf(server: object): Observability | undefined {
  return attached.get(server);
}

export { accessLogger, configureLogging, scrub, serviceLogger, type Logger } from "./logger";
export { observabilityPlugin, CLIENT_ERROR_CODES } from "./graphqlPlugin";
export { assignRequestId, requestIdOf, REQUEST_ID_HEADER } from "./requestId";
export { startTracing, startTracingFromEnv, withServerSpan, withTraceHeaders, type Tracing } from "./tracing";
