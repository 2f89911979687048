// Registration answers only inside a sampler's open session (subgraphs/testing/sessions.ts).
import type { Viewer } from "../../kernel/auth/viewer";
import type { TestGraph } from "./graph";

/** Opens (or returns) the sampler's session at their site through the graph; throws on refusal. */
export async function openSamplingSession(graph: Pick<TestGraph, "query">, sampler: Viewer): Promise<string> {
  const res = await graph.query(`mutation Open { openSamplingSession(hours: 2) { id } }`, {}, sampler);
  if (res.body.errors) throw new Error(`openSamplingSession: ${JSON.stringify(res.body.errors)}`);
  return res.body.data.openSamplingSession.id;
}

/** Seals a box, hands it to a courier and has the lab receive it (the chain of custody), so its tubes take results; throws on refusal. */
export async function deliverBox(graph: Pick<TestGraph, "query">, sampler: Viewer, lab: Viewer, boxCode: string): Promise<void> {
  const steps: Array<[string, Viewer]> = [
    [`mutation Seal($b: String!) { sealBox(boxCode: $b) { status } }`, sampler],
    [`mutation Hand($b: String!) { handBoxToCourier(boxCode: $b, courierBadge: "C-1") { status } }`, sampler],
    [`mutation Receive($b: String!) { receiveBox(boxCode: $b) { status } }`, lab],
  ];
  for (const [query, viewer] of steps) {
    const res = await graph.query(query, { b: boxCode }, viewer);
    if (res.body.errors) throw new Error(`${query.split("(")[0]}: ${JSON.stringify(res.body.errors)}`);
  }
}
