// OpenTelemetry through the real graph: a client's W3C traceparent is continued by the gateway,
// @apollo/gateway's own spans hang under its server span, and each subgraph's server span is a
// child of the gateway's fetch span: one trace from the client to the silos.
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { startTracing, type Tracing } from "../../kernel/observability";
import { startTestGraph, type TestGraph } from "../support/graph";

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let graph: TestGraph;

beforeAll(async () => {
  tracing = startTracing(exporter, false);
  graph = await startTestGraph("embedded", 20);
}, 300_000);
afterAll(async () => {
  await graph?.stop();
  await tracing?.shutdown();
});

test("one trace runs from the client's traceparent through the gateway to every subgraph it calls", async () => {
  const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
  const clientSpan = "00f067aa0ba902b7";
  const res = await fetch(graph.gateway.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      traceparent: `00-${traceId}-${clientSpan}-01`,
      authorization: `Bearer ${await graph.token({ role: "RESIDENT", subject: graph.city.residents[0]!.personId })}`,
    },
    body: JSON.stringify({ query: "query Mine { me { name healthCode { colour } checkIns(last: 2) { checkedInAt } latestTest { status } } }" }),
  });
  expect(res.status).toBe(200);
  const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const server = (service: string) => spans.filter((s) => s.attributes["service.name"] === service);
  const gateway = server("gateway");
  expect(gateway).toHaveLength(1);
  expect(gateway[0]!.parentSpanId).toBe(clientSpan);
  expect(spans.map((s) => s.name)).toEqual(expect.arrayContaining(["gateway.request", "gateway.plan", "gateway.fetch"]));
  for (const silo of ["health-code", "venues", "testing"]) {
    const [span] = server(silo);
    expect(span).toBeDefined();
    const parent = byId.get(span!.parentSpanId!) as ReadableSpan | undefined;
    expect(parent?.name).toBe("gateway.fetch");
  }
  // Nothing of the request's data in any span.
  expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain(graph.city.residents[0]!.name);
});
