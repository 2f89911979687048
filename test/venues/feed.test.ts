// The live check-in feed and the CSV export (issue 14, deliverable 4), with a real GraphQL over
// SSE client (graphql-sse) over a real socket to the feed beside a real gateway and subgraphs.
import { parse as parseCsv } from "csv-parse/sync";
import { createClient, type Client } from "graphql-sse";
import { MODES } from "../support/services";
import { startTestGraph, type TestGraph } from "../support/graph";
import { startFeed, EXPORT_PATH } from "../../gateway/feed/server";
import { inProcessHints } from "../../kernel/feed/hints";
import type { RunningServer } from "../../kernel/http/serve";
import type { Viewer } from "../../kernel/auth/viewer";
import { CHECK_IN, codeOf, greens, popups, registrar, resident } from "./helpers";
import { idFor } from "../support/entityIds";

const SUBSCRIBE = `subscription S($registerId: ID) { checkIns(registerId: $registerId) { id registerId name documentNumber colour alert admitted } }`;
type Live = { id: string; registerId: string; name: string; documentNumber: string; colour: string; alert: boolean; admitted: boolean };

describe.each(MODES)("live check-in feed and export (%s mode)", (mode) => {
  let graph: TestGraph;
  let feed: RunningServer;
  const clients: Client[] = [];
  beforeAll(async () => {
    graph = await startTestGraph(mode);
    feed = await startFeed({ port: 0, gatewayUrl: graph.gateway.url, tokens: { hs256Secret: graph.secrets.tokenSecret }, hints: inProcessHints() });
  });
  afterAll(async () => {
    for (const c of clients) c.dispose();
    await feed?.stop();
    await graph?.stop();
  });

  const client = async (viewer: Viewer | string | null): Promise<Client> => {
    const token = viewer === null ? undefined : typeof viewer === "string" ? viewer : await graph.token(viewer);
    const c = createClient({ url: feed.url, headers: token ? { authorization: `Bearer ${token}` } : {}, retryAttempts: 0 });
    clients.push(c);
    return c;
  };
  /** Subscribes and resolves once the stream is open, with the events' iterator. */
  const subscribe = async (viewer: Viewer | string | null, registerId?: string) => {
    const c = await client(viewer);
    let connected!: () => void;
    const open = new Promise<void>((r) => (connected = r));
    const it = c.iterate<{ checkIns: Live }>({ query: SUBSCRIBE, variables: { registerId } }, { connected: () => connected() });
    const first = it.next();
    return { it, first, open };
  };
  const errorOfStream = async (viewer: Viewer | string | null, registerId?: string): Promise<unknown> => {
    const { first } = await subscribe(viewer, registerId);
    try {
      const r = await first;
      return r.value?.errors?.[0] ?? r;
    } catch (err) {
      // Refused before the stream opens: the client's NetworkError carries the HTTP response.
      const response = (err as { response?: Response }).response;
      if (!response) throw err;
      expect(response.status).toBe(401);
      return ((await response.json()) as { errors: unknown[] }).errors[0];
    }
  };

  test("a registrar sees each new visit on their registers at once, masked, with the siren; other registers' visits never reach them", async () => {
    const [mine, theirs] = [graph.city.registers[0]!, graph.city.registers.find((r) => r.registrarId !== graph.city.registers[0]!.registrarId)!];
    const { it, first, open } = await subscribe(registrar(mine.registrarId));
    await open;
    const [green, popped] = [greens(graph)[0]!, popups(graph)[0]!];
    expect((await graph.query(CHECK_IN, { code: await codeOf(graph, theirs) }, resident(green))).body.errors).toBeUndefined();
    const sent = [];
    for (const visitor of [green, popped]) {
      const res = await graph.query(CHECK_IN, { code: await codeOf(graph, mine) }, resident(visitor));
      expect(res.body.errors).toBeUndefined();
      sent.push(res.body.data.checkIn.id);
    }
    const a = (await first).value.data.checkIns as Live;
    const b = (await it.next()).value.data.checkIns as Live;
    // A registrar sees check-in ids under the registrars' audience key (docs/privacy.md), not the internal ones.
    expect([a.id, b.id]).toEqual(sent.map((id) => idFor(graph, { role: "REGISTRAR" }, "CheckIn", id)));
    expect(a).toMatchObject({ registerId: mine.id, colour: "GREEN", alert: false });
    expect(b).toMatchObject({ registerId: mine.id, colour: "POPUP", alert: true, admitted: false });
    for (const [row, who] of [[a, green], [b, popped]] as const) {
      expect(row.documentNumber).toBe(`${who.idNumber.slice(0, 2)}${"*".repeat(14)}${who.idNumber.slice(-2)}`);
      expect(row.name).not.toBe(who.name);
      expect(row.name.startsWith(who.name.slice(0, 1))).toBe(true);
      expect(row.name).toMatch(/\*$/);
    }
    await it.return?.();
  });

  test("the feed is refused without a valid token, to non-registrars and for another registrar's register", async () => {
    const mine = graph.city.registers[0]!;
    const other = graph.city.registers.find((r) => r.registrarId !== mine.registrarId)!;
    const codeOfError = (e: unknown) => (e as { extensions?: { code?: string } }).extensions?.code;
    expect(codeOfError(await errorOfStream(null))).toBe("UNAUTHENTICATED");
    expect(codeOfError(await errorOfStream("not-a-token"))).toBe("UNAUTHENTICATED");
    expect(codeOfError(await errorOfStream(await graph.token(registrar(mine.registrarId), -10)))).toBe("UNAUTHENTICATED");
    expect(codeOfError(await errorOfStream(resident(greens(graph)[1]!)))).toBe("FORBIDDEN");
    expect(codeOfError(await errorOfStream(registrar(other.registrarId), mine.id))).toBe("FORBIDDEN");
  });

  test("CSV export: the registrar's visitors, masked, parsed back by a CSV parser; others are refused", async () => {
    const mine = graph.city.registers[0]!;
    const get = async (viewer: Viewer | null, query = "") => {
      const headers: Record<string, string> = viewer ? { authorization: `Bearer ${await graph.token(viewer)}` } : {};
      const res = await fetch(new URL(EXPORT_PATH + query, feed.url), { headers });
      return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
    };
    const ok = await get(registrar(mine.registrarId));
    expect(ok.status).toBe(200);
    expect(ok.type).toMatch(/^text\/csv/);
    const rows = parseCsv(ok.text, { columns: true }) as Array<Record<string, string>>;
    const visits = (await graph.databases.venues.sql.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM check_in c JOIN register r ON r.id = c.register_id WHERE r.registrar_id = $1 AND r.status <> 'DELETED'", [mine.registrarId]))[0]!.n;
    expect(rows).toHaveLength(visits);
    expect(Object.keys(rows[0]!)).toEqual(["checked_in_at", "register", "name_masked", "id_number_masked", "colour_now", "alert"]);
    // The registrar's own visits show their own number in full (own data); everyone else's is masked.
    const own = graph.city.residents.find((r) => r.personId === mine.registrarId)!.idNumber;
    const others = rows.filter((r) => r.id_number_masked !== own);
    expect(others.length).toBeGreaterThan(0);
    for (const r of others) expect(r.id_number_masked).toMatch(/^\d{2}\*{14}[\dX]{2}$/);
    const ids = new Set(graph.city.residents.map((r) => r.idNumber).filter((id) => id !== own));
    expect(rows.some((r) => ids.has(r.id_number_masked!))).toBe(false);

    const other = graph.city.registers.find((r) => r.registrarId !== mine.registrarId)!;
    expect((await get(null)).status).toBe(401);
    expect((await get(resident(greens(graph)[2]!))).status).toBe(403);
    const foreign = await get(registrar(other.registrarId), `?registerId=${mine.id}`);
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.text).errors[0].extensions).toMatchObject({ code: "FORBIDDEN", reason: "NOT_OWN_REGISTER" });
    expect((await get(registrar(mine.registrarId), "?from=yesterday")).status).toBe(400);
  });
});
