// Which failed subgraph calls may have reached the subgraph (gateway/dataSource.ts): a mutation's
// call that did is answered as outcome UNKNOWN, one that did not as "nothing was changed".
// test/faults/degradation.test.ts checks both answers through the real graph.
import { mayHaveArrived, unavailableReason } from "../../gateway/dataSource";
import { SubgraphOverloaded, SubgraphTimeout } from "../../kernel/http/keepAliveFetcher";

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });

describe("a failed call's chance of having reached its subgraph", () => {
  test.each([
    ["timed out after it was sent", new SubgraphTimeout("the request's deadline passed before the subgraph answered", true), true, "TIMEOUT"],
    ["timed out while it waited for a connection", new SubgraphTimeout("the request's deadline passed while it waited for a connection", false), false, "TIMEOUT"],
    ["refused at once, the queue full", new SubgraphOverloaded("too many requests are already waiting for this subgraph"), false, "OVERLOADED"],
    ["refused at once, the breaker open", withCode("EOPENBREAKER", "Breaker is open"), false, "CIRCUIT_OPEN"],
    ["connection refused", withCode("ECONNREFUSED"), false, "UNREACHABLE"],
    ["connection refused, as the cause of another error", Object.assign(new Error("fetch failed"), { cause: withCode("ECONNREFUSED") }), false, "UNREACHABLE"],
    ["connection reset after it was sent", withCode("ECONNRESET"), true, "UNREACHABLE"],
    ["the socket closed before an answer", withCode("UND_ERR_SOCKET", "other side closed"), true, "UNREACHABLE"],
  ] as const)("%s", (_what, err, arrived, reason) => {
    expect(mayHaveArrived(err)).toBe(arrived);
    expect(unavailableReason(err)).toBe(reason);
  });
});
