// Registration answers only inside a sampler's open session (subgraphs/testing/sessions.ts).
import type { Viewer } from "../../kernel/auth/viewer";
import type { TestGraph } from "./graph";

/** Opens (or returns) the sampler's session at their site through the graph; throws on refusal. */
export async function openSamplingSession(graph: Pick<TestGraph, "query">, sampler: Viewer): Promise<string> {
  const res = await graph.query(`mutation Open { openSamplingSession(hours: 2) { id } }`, {}, sampler);
  if (res.body.errors) throw new Error(`openSamplingSession: ${JSON.stringify(res.body.errors)}`);
  return res.body.data.openSamplingSession.id;
}
