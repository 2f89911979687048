// The live feed's stream logic over a fake graph (the venues history's cursor rules, in memory):
// each visit once, in commit order; a full scanner batch in one read through the silos; a visit
// that commits late, stamped behind rows already sent, still delivered; hints of other registers
// ignored. The feed through the real graph is test/venues/feed.test.ts.
import { inProcessHints } from "../../kernel/feed/hints";
import { visitorStream, type VisitStream } from "../../gateway/feed/visitorStream";
import type { GraphQuery, GraphVisit, VisitRow } from "../../gateway/feed/graphClient";
import type { Colour } from "../../kernel/venues/admission";

const cursorOf = (r: VisitRow) => Buffer.from(`${r.checkedInAt}|${r.id}`).toString("base64url");
const parse = (c: string) => {
  const [at, id] = Buffer.from(c, "base64url").toString("utf8").split("|");
  return { at: at!, id: id ?? "" };
};
const cmp = (a: { at: string; id: string }, b: { at: string; id: string }) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** A row as the graph answers the feed's history query (colour and venue kind, not alert and admitted). */
const asGraph = (r: VisitRow): GraphVisit => ({
  id: r.id, checkedInAt: r.checkedInAt, register: { ...r.register, venue: { kind: "SHOP" } },
  person: { ...r.person, healthCode: r.colour ? { colour: r.colour as Colour } : null },
});

function fakeGraph() {
  const rows: VisitRow[] = [];
  const reads = { full: 0, ids: 0 };
  const graph: GraphQuery = async <T,>(_auth: string, query: string, variables?: Record<string, unknown>) => {
    const v = variables as { registerId?: string; after?: string | null; first: number; order: "NEWEST_FIRST" | "OLDEST_FIRST" };
    const idsOnly = query.includes("FeedHistoryIds");
    if (idsOnly) reads.ids++;
    else reads.full++;
    let list = rows.filter((r) => !v.registerId || r.register.id === v.registerId).sort((a, b) => cmp({ at: a.checkedInAt, id: a.id }, { at: b.checkedInAt, id: b.id }));
    if (v.order === "NEWEST_FIRST") list.reverse();
    if (v.after) {
      const c = parse(v.after);
      list = list.filter((r) => (v.order === "NEWEST_FIRST" ? -1 : 1) * cmp({ at: r.checkedInAt, id: r.id }, c) > 0);
    }
    const page = list.slice(0, v.first);
    const edges = page.map((r) => ({ cursor: cursorOf(r), node: idsOnly ? { id: r.id } : asGraph(r) }));
    return { visitorHistory: { edges, endCursor: edges.at(-1)?.cursor ?? v.after ?? null, hasNextPage: list.length > v.first } } as T;
  };
  return { rows, reads, graph };
}

const visit = (id: string, at: Date, registerId = "G1"): VisitRow => ({
  id, checkedInAt: at.toISOString(), colour: "GREEN", alert: false, admitted: true, register: { id: registerId, label: registerId }, person: { name: "张*", documentNumber: null },
});

/** Everything the stream yields, collected as it comes; `take(n)` waits for n more (or the time limit). */
function collect(it: VisitStream) {
  const got: VisitRow[] = [];
  let seen = 0;
  void (async () => {
    for await (const row of it) got.push(row);
  })();
  return async (n: number, ms = 2000): Promise<VisitRow[]> => {
    const deadline = Date.now() + ms;
    while (got.length < seen + n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const out = got.slice(seen);
    seen = got.length;
    return out;
  };
}

describe("the live feed's stream", () => {
  test("delivers a full scanner batch in one read, a late commit behind it, each visit once; other registers' hints are ignored", async () => {
    const { rows, reads, graph } = fakeGraph();
    const hints = inProcessHints();
    const t0 = Date.now();
    rows.push(visit("old-1", new Date(t0 - 60_000)), visit("old-2", new Date(t0 - 30_000)));
    const it = await visitorStream({ graph, hints, authorization: "Bearer x", registrarId: "R1", registerId: "G1" });
    const hint = (registerId = "G1", registrarId = "R1") => hints.publish({ registrarId, registerId, checkInId: "x" });
    const take = collect(it);

    // A batch of 200 stamped alike (one transaction), as checkInBatch writes it.
    const t1 = new Date(t0 + 1000);
    for (let i = 0; i < 200; i++) rows.push(visit(`b-${String(i).padStart(3, "0")}`, t1));
    const before = { ...reads };
    const pending = take(200);
    hint();
    const batch = await pending;
    expect(batch.map((r) => r.id)).toEqual(rows.slice(2).map((r) => r.id));
    expect(reads.full - before.full).toBe(1); // one read through every silo for the whole batch
    expect(reads.ids - before.ids).toBe(1); // and the look-back window checked by ids

    // A visit stamped 100 ms before the batch commits after it was read: delivered, once.
    rows.push(visit("late-1", new Date(t1.getTime() - 100)));
    const late = take(1);
    hint();
    expect((await late).map((r) => r.id)).toEqual(["late-1"]);

    // Another register's hint, or another registrar's, reads nothing; a hint with nothing new delivers nothing.
    const quiet = { ...reads };
    hint("G2");
    hint("G1", "R2");
    await new Promise((r) => setTimeout(r, 50));
    expect(reads).toEqual(quiet);
    const none = take(1, 200);
    hint();
    expect(await none).toEqual([]);

    // The next visit arrives alone: nothing sent before comes again.
    rows.push(visit("next-1", new Date(t1.getTime() + 5)));
    const next = take(5, 300);
    hint();
    expect((await next).map((r) => r.id)).toEqual(["next-1"]);

    // A client that goes away while the stream waits ends it at once: no more reads on hints.
    const ended = await Promise.race([it.return().then(() => "ended"), new Promise((r) => setTimeout(() => r("still waiting"), 500))]);
    expect(ended).toBe("ended");
    const after = { ...reads };
    rows.push(visit("after-close", new Date(t1.getTime() + 10)));
    hint();
    await new Promise((r) => setTimeout(r, 50));
    expect(reads).toEqual(after);
  });
});
