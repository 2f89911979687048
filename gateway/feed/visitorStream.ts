// One registrar's live visitors: woken by check-in hints (ids only), it reads what is new
// through the graph as the registrar and yields each visit once. It reads a little behind its
// last row (LOOKBACK_MS) because two check-ins can commit in the other order than their
// timestamps; ids already sent are skipped. A slow poll covers hints lost on the way.
import type { HintChannel } from "../../kernel/feed/hints";
import { cursorAt, historyPage, type GraphQuery, type VisitRow } from "./graphClient";

export const LOOKBACK_MS = 500;
export const POLL_MS = 5_000;
const PAGE = 200;

export interface StreamOptions {
  graph: GraphQuery;
  hints: HintChannel;
  authorization: string;
  registrarId: string;
  registerId?: string;
}

/** The stream of new visits; the first read checks access (the graph refuses another registrar's register). */
export async function visitorStream(opts: StreamOptions): Promise<AsyncGenerator<VisitRow>> {
  const { graph, authorization, registerId } = opts;
  // Where "new" starts: the newest visit now (this also asks the graph whether the register is the viewer's).
  // The rows inside the look-back window count as already seen, so none of them arrives as "new".
  const newest = await historyPage(graph, authorization, { registerId, first: 50, order: "NEWEST_FIRST" });
  const start = newest.edges[0]?.node;
  let lastAt = start ? Date.parse(start.checkedInAt) : Date.now() - LOOKBACK_MS;
  const sent = new Map<string, number>();
  for (const { node } of newest.edges) {
    const at = Date.parse(node.checkedInAt);
    if (at >= lastAt - LOOKBACK_MS) sent.set(node.id, at);
  }

  const queue: VisitRow[] = [];
  let wake: (() => void) | undefined;
  let failure: unknown;
  let pending = false;
  let running = false;
  let closed = false;

  const pump = async () => {
    if (running) return;
    running = true;
    try {
      while (pending && !closed) {
        pending = false;
        let after: string | null = cursorAt(new Date(lastAt - LOOKBACK_MS));
        for (;;) {
          const page = await historyPage(graph, authorization, { registerId, after, first: PAGE, order: "OLDEST_FIRST" });
          for (const { node } of page.edges) {
            if (sent.has(node.id)) continue;
            const at = Date.parse(node.checkedInAt);
            sent.set(node.id, at);
            if (at > lastAt) lastAt = at;
            queue.push(node);
          }
          if (!page.hasNextPage) break;
          after = page.endCursor;
        }
        for (const [id, at] of sent) if (at < lastAt - 4 * LOOKBACK_MS) sent.delete(id);
        wake?.();
      }
    } catch (err) {
      failure = err;
      wake?.();
    } finally {
      running = false;
    }
  };
  const poke = () => {
    pending = true;
    void pump();
  };
  const unsubscribe = opts.hints.subscribe((h) => {
    if (h.registrarId === opts.registrarId && (!registerId || h.registerId === registerId)) poke();
  });
  const poll = setInterval(poke, POLL_MS);
  poll.unref();

  return (async function* () {
    try {
      for (;;) {
        while (queue.length > 0) yield queue.shift()!;
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      closed = true;
      unsubscribe();
      clearInterval(poll);
    }
  })();
}
