// OpenTelemetry tracing, off by default. When on (OTEL_TRACES_EXPORTER=otlp or console), each
// HTTP request is a server span continuing the caller's W3C `traceparent`, @apollo/gateway's own
// spans (request, plan, fetch) hang under it, and every gateway → subgraph call carries the
// current context in `traceparent`, so one trace runs from the client through the subgraphs.
// Span attributes are routes, methods, statuses and operation types: never variables or data.
import type { IncomingMessage, ServerResponse } from "node:http";
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";

let enabled = false;
const tracer = () => trace.getTracer("health-graph");

export interface Tracing {
  shutdown(): Promise<void>;
}

/** Starts tracing into `exporter` (tests pass an in-memory one; batching only for real exporters). */
export function startTracing(exporter: SpanExporter, batch = true): Tracing {
  const provider = new BasicTracerProvider();
  provider.addSpanProcessor(batch ? new BatchSpanProcessor(exporter) : new SimpleSpanProcessor(exporter));
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable(), propagator: new W3CTraceContextPropagator() });
  enabled = true;
  return {
    async shutdown() {
      enabled = false;
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** OTEL_TRACES_EXPORTER: otlp (to OTEL_EXPORTER_OTLP_ENDPOINT) or console; anything else leaves tracing off. */
export function startTracingFromEnv(env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  const kind = env.OTEL_TRACES_EXPORTER;
  if (kind === "otlp") return startTracing(new OTLPTraceExporter());
  if (kind === "console") return startTracing(new ConsoleSpanExporter());
  return undefined;
}

/** Runs `handle` inside a server span for the request, continuing the caller's trace. */
export function withServerSpan<T>(service: string, route: string, req: IncomingMessage, res: ServerResponse, handle: () => T): T {
  if (!enabled) return handle();
  const parent: Context = propagation.extract(context.active(), req.headers);
  const span = tracer().startSpan(`${req.method ?? "GET"} ${route}`, { kind: SpanKind.SERVER, attributes: { "service.name": service, "http.method": req.method ?? "GET", "http.route": route } }, parent);
  res.once("finish", () => {
    span.setAttribute("http.status_code", res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  return context.with(trace.setSpan(parent, span), handle);
}

/** The outgoing headers with the current trace context (`traceparent`) added. */
export function withTraceHeaders(headers: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!enabled) return headers;
  const out = { ...headers };
  propagation.inject(context.active(), out);
  return out;
}
