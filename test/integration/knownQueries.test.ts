// Through the gateway, in each run mode available: the subgraph calls of a repeated resident
// query take the subgraphs' short path for known queries (kernel/runtime/knownQueries.ts), and
// the answer is the same as the first one, which Apollo gave.
import type { Viewer } from "../../kernel/auth/viewer";
import { MODES } from "../support/services";
import { watchShortPath } from "../support/knownQueries";
import { startTestGraph, type TestGraph } from "../support/graph";

const RESIDENT = `query { me { name healthCode { colour label causes { kind howToClear } } latestTest { status resultAt } checkIns(last: 3) { checkedInAt venue { name } } } }`;

describe.each(MODES)("known queries through the gateway (%s mode)", (mode) => {
  let graph: TestGraph;
  const answered: boolean[] = [];

  beforeAll(async () => {
    graph = await startTestGraph(mode);
    watchShortPath(answered);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await graph?.stop();
  });

  it("answers a repeated query's subgraph calls on the short path, with the same result", async () => {
    const viewer: Viewer = { role: "RESIDENT", subject: graph.city.residents[0]!.personId };
    const first = await graph.query(RESIDENT, {}, viewer);
    expect(first.body.errors).toBeUndefined();
    answered.length = 0;
    const second = await graph.query(RESIDENT, {}, viewer);
    expect(second.body).toEqual(first.body);
    expect(answered.length).toBeGreaterThanOrEqual(3);
    expect(answered.every(Boolean)).toBe(true);
  });
});
