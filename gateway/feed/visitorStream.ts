// One registrar's live visitors: woken by check-in hints (ids only), it reads what is new
// through the graph as the registrar and yields each visit once. What is new is read in full from
// just after the newest row read so far. Two check-ins can commit in the other order than their
// timestamps, so a row can appear behind that position: the look-back window (LOOKBACK_MS behind
// the last row) is then read for ids only (the venues silo alone answers that), and read in full
// only when it holds an id not yet sent. A slow poll covers hints lost on the way.
// Reading the whole window in full on every hint re-read up to a batch of rows already sent and
// took two reads through every silo for a full batch (a page holds 200 rows, the window one more).
import type { HintChannel } from "../../kernel/feed/hints";
import { cursorAt, historyIds, historyPage, type GraphQuery, type VisitRow } from "./graphClient";

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

/** New visits, each once; return() ends the stream at once, even while it waits. */
export interface VisitStream extends AsyncIterableIterator<VisitRow> {
  return(): Promise<IteratorResult<VisitRow>>;
}

/** The stream of new visits; the first read checks access (the graph refuses another registrar's register). */
export async function visitorStream(opts: StreamOptions): Promise<VisitStream> {
  const { graph, authorization, registerId } = opts;
  // Where "new" starts: the newest visit now (this also asks the graph whether the register is the viewer's).
  // The rows inside the look-back window count as already seen, so none of them arrives as "new".
  const newestPage = await historyPage(graph, authorization, { registerId, first: 50, order: "NEWEST_FIRST" });
  const start = newestPage.edges[0]?.node;
  let lastAt = start ? Date.parse(start.checkedInAt) : Date.now() - LOOKBACK_MS;
  const sent = new Map<string, number>();
  for (const { node } of newestPage.edges) {
    const at = Date.parse(node.checkedInAt);
    if (at >= lastAt - LOOKBACK_MS) sent.set(node.id, at);
  }

  const queue: VisitRow[] = [];
  let wake: (() => void) | undefined;
  let failure: unknown;
  let pending = false;
  let running = false;
  let closed = false;

  // The cursor of the newest row read in full so far (rows arrive oldest first).
  let newest: string | null = newestPage.edges[0]?.cursor ?? null;
  const lookBack = () => cursorAt(new Date(lastAt - LOOKBACK_MS));

  /** Reads every row after `from` in full, queueing those not sent yet. */
  const readFull = async (from: string) => {
    let after: string | null = from;
    for (;;) {
      const page = await historyPage(graph, authorization, { registerId, after, first: PAGE, order: "OLDEST_FIRST" });
      for (const { node } of page.edges) {
        if (sent.has(node.id)) continue;
        const at = Date.parse(node.checkedInAt);
        sent.set(node.id, at);
        if (at > lastAt) lastAt = at;
        queue.push(node);
      }
      if (page.edges.length > 0) newest = page.endCursor;
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
  };

  /** Whether the look-back window holds a row not sent yet (a late commit). */
  const lateRow = async (): Promise<boolean> => {
    let after: string | null = lookBack();
    for (;;) {
      const page = await historyIds(graph, authorization, { registerId, after, first: PAGE, order: "OLDEST_FIRST" });
      if (page.edges.some(({ node }) => !sent.has(node.id))) return true;
      if (!page.hasNextPage) return false;
      after = page.endCursor;
    }
  };

  const pump = async () => {
    if (running) return;
    running = true;
    try {
      while (pending && !closed) {
        pending = false;
        await readFull(newest ?? lookBack());
        wake?.();
        if (await lateRow()) await readFull(lookBack());
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

  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(poll);
    wake?.();
  };
  // A plain iterator, not an async generator: a generator's return() waits until the generator
  // next yields, so a client that went away from a quiet register kept its stream (a hint listener
  // and a graph read every POLL_MS) until the next visit. return() here ends it at once.
  const stream: VisitStream = {
    async next() {
      for (;;) {
        if (queue.length > 0) return { done: false, value: queue.shift()! };
        if (closed) return { done: true, value: undefined };
        if (failure) {
          close();
          throw failure;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
    async return() {
      close();
      queue.length = 0;
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}
