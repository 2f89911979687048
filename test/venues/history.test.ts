// A registrar's visitor history (cursor-paginated, masked), deleting a register, and the
// retention purge (issue 14, deliverables 4 and 5) through the real graph and the silo's tables.
import { MODES } from "../support/services";
import { startTestGraph, type TestGraph } from "../support/graph";
import { PrismaClient } from "../../subgraphs/venues/generated/prisma/client";
import { purgeExpired, schedulePurge } from "../../subgraphs/venues/retention";
import { waitFor } from "../events/helpers/wait";
import { count, registrar, resident } from "./helpers";

const HISTORY = `query H($registerId: ID, $first: Int!, $after: String, $order: HistoryOrder!) {
  visitorHistory(registerId: $registerId, first: $first, after: $after, order: $order) {
    edges { cursor node { id checkedInAt register { id } person { name documentNumber } } } endCursor hasNextPage } }`;

type Edge = { cursor: string; node: { id: string; checkedInAt: string; register: { id: string }; person: { name: string; documentNumber: string } } };

describe.each(MODES)("visitor history, deletion and retention (%s mode)", (mode) => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph(mode);
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const errorOf = (res: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) => res.body.errors?.[0]?.extensions;
  /** The seeded registrar whose registers have the most visitors. */
  const busiest = () => {
    const byRegistrar = new Map<string, string[]>();
    for (const r of graph.city.registers) byRegistrar.set(r.registrarId, [...(byRegistrar.get(r.registrarId) ?? []), r.id]);
    const visits = (ids: string[]) => graph.city.checkIns.filter((c) => ids.includes(c.registerId)).length;
    return [...byRegistrar].sort((a, b) => visits(b[1]) - visits(a[1]))[0]!;
  };
  const pages = async (viewerId: string, first: number, order: string, registerId?: string) => {
    const all: Edge[] = [];
    let after: string | undefined;
    for (let i = 0; i < 100; i++) {
      const res = await graph.query(HISTORY, { registerId, first, after, order }, registrar(viewerId));
      expect(res.body.errors).toBeUndefined();
      const page = res.body.data.visitorHistory;
      all.push(...page.edges);
      if (!page.hasNextPage) return all;
      after = page.endCursor;
    }
    throw new Error("history did not end");
  };

  test("pages through every visit of the registrar's registers once, in order, masked", async () => {
    const [registrarId, registerIds] = busiest();
    const expected = graph.city.checkIns.filter((c) => registerIds.includes(c.registerId)).length;
    expect(expected).toBeGreaterThan(3);
    const newest = await pages(registrarId, 3, "NEWEST_FIRST");
    expect(newest).toHaveLength(expected);
    expect(new Set(newest.map((e) => e.node.id)).size).toBe(expected);
    const times = newest.map((e) => Date.parse(e.node.checkedInAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const oldest = await pages(registrarId, 4, "OLDEST_FIRST");
    expect(oldest.map((e) => e.node.id)).toEqual([...newest].reverse().map((e) => e.node.id));
    for (const e of newest) {
      expect(e.node.person.documentNumber).toMatch(/^\d{2}\*{14}[\dX]{2}$/);
      expect(e.node.person.name).toMatch(/^\p{Script=Han}{1,2}\*+$/u);
    }
    const realNames = new Set(graph.city.residents.map((r) => r.name));
    expect(newest.some((e) => realNames.has(e.node.person.name))).toBe(false);
  });

  test("bad cursors and sizes, another registrar's register and non-registrars are refused", async () => {
    const [registrarId] = busiest();
    const other = graph.city.registers.find((r) => r.registrarId !== registrarId)!;
    expect(errorOf(await graph.query(HISTORY, { first: 3, after: "not-a-cursor", order: "NEWEST_FIRST" }, registrar(registrarId)))).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    expect(errorOf(await graph.query(HISTORY, { first: 0, order: "NEWEST_FIRST" }, registrar(registrarId)))?.code).toBe("BAD_USER_INPUT");
    expect(errorOf(await graph.query(HISTORY, { first: 3, registerId: other.id, order: "NEWEST_FIRST" }, registrar(registrarId)))).toMatchObject({ code: "FORBIDDEN", reason: "NOT_OWN_REGISTER" });
    const asResident = graph.city.residents.find((r) => r.personId === registrarId)!;
    expect(errorOf(await graph.query(HISTORY, { first: 3, order: "NEWEST_FIRST" }, resident(asResident)))?.code).toBe("FORBIDDEN");
  });

  test("a deleted register leaves the registrar's view at once; its check-ins stay until the retention purge, which removes nothing else", async () => {
    const [registrarId, registerIds] = busiest();
    const gone = registerIds[0]!;
    const visitsOf = (id: string) => count(graph, "check_in", "register_id = $1", [id]);
    const goneVisits = await visitsOf(gone);
    expect(goneVisits).toBeGreaterThan(0);
    expect((await graph.query(`mutation D($id: ID!) { deleteRegister(id: $id) { status } }`, { id: gone }, registrar(registrarId))).body.data.deleteRegister.status).toBe("DELETED");
    const mine = (await graph.query(`{ myRegisters { id } }`, {}, registrar(registrarId))).body.data.myRegisters.map((r: { id: string }) => r.id);
    expect(mine).not.toContain(gone);
    expect((await pages(registrarId, 50, "NEWEST_FIRST")).some((e) => e.node.register.id === gone)).toBe(false);
    expect(await visitsOf(gone)).toBe(goneVisits); // the tracing copy

    // A second deletion, recent: within the retention period it must survive the purge.
    const recent = graph.city.registers.find((r) => !registerIds.includes(r.id) && graph.city.checkIns.some((c) => c.registerId === r.id))!;
    expect((await graph.query(`mutation D($id: ID!) { deleteRegister(id: $id) { status } }`, { id: recent.id }, registrar(recent.registrarId))).body.errors).toBeUndefined();
    await graph.databases.venues.sql.query(`UPDATE register SET deleted_at = now() - interval '29 days' WHERE id = $1`, [gone]);

    const snapshot = async () => ({
      checkIns: (await graph.databases.venues.sql.query<{ id: string }>("SELECT id FROM check_in WHERE register_id <> $1 ORDER BY id", [gone])).map((r) => r.id),
      registers: await graph.databases.venues.sql.query("SELECT id, status, code FROM register WHERE id <> $1 ORDER BY id", [gone]),
      venues: await graph.databases.venues.sql.query("SELECT * FROM venue ORDER BY id"),
      registrars: await graph.databases.venues.sql.query("SELECT venue_id, person_id FROM registrar ORDER BY venue_id, person_id"),
    });
    const before = await snapshot();
    const prisma = new PrismaClient({ adapter: graph.databases.venues.adapter });
    try {
      expect(await purgeExpired(prisma, 28)).toEqual({ registers: 1, checkIns: goneVisits });
      expect(await purgeExpired(prisma, 28)).toEqual({ registers: 0, checkIns: 0 }); // nothing left to purge
    } finally {
      await prisma.$disconnect();
    }
    expect(await count(graph, "register", "id = $1", [gone])).toBe(0);
    expect(await visitsOf(gone)).toBe(0);
    expect(await snapshot()).toEqual(before);
    expect(await count(graph, "register", "id = $1 AND status = 'DELETED'", [recent.id])).toBe(1);

    // The scheduled job does the same on its own once the recent one's period is over.
    await graph.databases.venues.sql.query(`UPDATE register SET deleted_at = now() - interval '29 days' WHERE id = $1`, [recent.id]);
    const scheduler = new PrismaClient({ adapter: graph.databases.venues.adapter });
    const stop = schedulePurge(scheduler, 28, 0.001, (err) => { throw err; });
    try {
      await waitFor("the scheduled purge", async () => (await count(graph, "register", "id = $1", [recent.id])) === 0);
    } finally {
      stop();
      await scheduler.$disconnect();
    }
    expect(await count(graph, "check_in", "register_id = $1", [recent.id])).toBe(0);
    expect(await count(graph, "register")).toBe(before.registers.length - 1);
  });
});
