// Prometheus metrics of one service (prom-client), each service on its own registry so several
// services in one process (npm start, tests) never share or clash: HTTP requests, GraphQL
// operations, process figures. Labels are routes, methods, status codes, operation types and
// error codes: nothing a client chooses freely, nothing personal.
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface ServiceMetrics {
  registry: Registry;
  httpRequests: Counter<"method" | "route" | "status">;
  httpDuration: Histogram<"method" | "route">;
  operations: Counter<"type" | "outcome">;
  operationDuration: Histogram<"type">;
}

/** A fresh registry with the HTTP, GraphQL and process metrics of one service. */
export function serviceMetrics(): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({ name: "http_requests_total", help: "HTTP requests answered, by route and status.", labelNames: ["method", "route", "status"], registers: [registry] }),
    httpDuration: new Histogram({ name: "http_request_duration_seconds", help: "Time to answer an HTTP request.", labelNames: ["method", "route"], buckets: SECONDS, registers: [registry] }),
    operations: new Counter({ name: "graphql_operations_total", help: "GraphQL operations, by type and outcome (ok or the first error code).", labelNames: ["type", "outcome"], registers: [registry] }),
    operationDuration: new Histogram({ name: "graphql_operation_duration_seconds", help: "Time from a parsed request to its response.", labelNames: ["type"], buckets: SECONDS, registers: [registry] }),
  };
}
