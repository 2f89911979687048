// A visitor's app names each scan with its own scanId, so a scan sent again after an answer that
// never came (the gateway's outcome UNKNOWN) is answered with the check-in already made and never
// recorded twice, through the real graph in both modes. Scans without one are each a visit, as
// before; a scanId reused for another register or malformed is refused and nothing is written.
import { randomUUID } from "node:crypto";
import { MODES } from "../support/services";
import { startTestGraph, type TestGraph } from "../support/graph";
import { codeOf, count, greens, registrar, resident } from "./helpers";

const SCAN = `mutation Scan($code: String!, $scanId: ID) { checkIn(registerCode: $code, scanId: $scanId) { id checkedInAt register { id } } }`;
const DELETE = `mutation Delete($id: ID!) { deleteRegister(id: $id) { id status } }`;

describe.each(MODES)("a scan sent again with its scanId (%s mode)", (mode) => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph(mode);
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const visits = (personId: string) => count(graph, "check_in", "person_id = $1", [personId]);
  const errorOf = (res: { body: { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }) => res.body.errors?.[0];

  test("the same scanId answers the same check-in, at once or concurrently; scans without one are each a visit", async () => {
    const [visitor, other] = greens(graph);
    const reg = graph.city.registers[0]!;
    const code = await codeOf(graph, reg);
    const before = await visits(visitor!.personId);

    const scanId = randomUUID();
    const first = await graph.query(SCAN, { code, scanId }, resident(visitor!));
    expect(first.body.errors).toBeUndefined();
    const again = await graph.query(SCAN, { code, scanId }, resident(visitor!));
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data.checkIn).toEqual(first.body.data.checkIn);
    expect(await visits(visitor!.personId)).toBe(before + 1);

    // Two sendings at once: one visit, both answered with it.
    const racing = randomUUID();
    const both = await Promise.all([0, 1, 2].map(() => graph.query(SCAN, { code, scanId: racing }, resident(visitor!))));
    for (const r of both) expect(r.body.errors).toBeUndefined();
    expect(new Set(both.map((r) => r.body.data.checkIn.id)).size).toBe(1);
    expect(await visits(visitor!.personId)).toBe(before + 2);

    // Another person's scan with the same id is theirs: unique per person.
    const otherBefore = await visits(other!.personId);
    const theirs = await graph.query(SCAN, { code, scanId }, resident(other!));
    expect(theirs.body.errors).toBeUndefined();
    expect(theirs.body.data.checkIn.id).not.toBe(first.body.data.checkIn.id);
    expect(await visits(other!.personId)).toBe(otherBefore + 1);

    // Without a scanId every scan is a visit (a repeat is never lost from tracing).
    const a = await graph.query(SCAN, { code }, resident(visitor!));
    const b = await graph.query(SCAN, { code, scanId: null }, resident(visitor!));
    expect(a.body.data.checkIn.id).not.toBe(b.body.data.checkIn.id);
    expect(await visits(visitor!.personId)).toBe(before + 4);
  });

  test("a scanId used at another register is refused, and a malformed one; nothing is written", async () => {
    const visitor = greens(graph)[2]!;
    const [one, two] = graph.city.registers.filter((r) => r.registrarId !== visitor.personId);
    const scanId = randomUUID();
    expect((await graph.query(SCAN, { code: await codeOf(graph, one!), scanId }, resident(visitor))).body.errors).toBeUndefined();
    const before = await visits(visitor.personId);

    const reused = await graph.query(SCAN, { code: await codeOf(graph, two!), scanId }, resident(visitor));
    expect(reused.body.data?.checkIn ?? null).toBeNull();
    expect(errorOf(reused)?.extensions).toMatchObject({ code: "CONFLICT", reason: "SCAN_ID_REUSED", field: "scanId" });
    expect(errorOf(reused)?.message).toMatch(/another register/);

    for (const bad of ["short", "has a space in it", "x".repeat(65), "扫码编号一二三四五六七八", "../../etc/passwd", ""]) {
      const res = await graph.query(SCAN, { code: await codeOf(graph, one!), scanId: bad }, resident(visitor));
      expect(res.body.data?.checkIn ?? null).toBeNull();
      expect(errorOf(res)?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "SCAN_ID_MALFORMED", field: "scanId" });
      // The message never echoes what was sent.
      expect(errorOf(res)?.message).not.toContain(bad || "\u0000");
    }
    expect(await visits(visitor.personId)).toBe(before);
  });

  test("a scan sent again after its register was deleted is answered with the visit it made; a new scan there is refused", async () => {
    const visitor = greens(graph)[3]!;
    const reg = graph.city.registers.filter((r) => r.registrarId !== visitor.personId)[2]!;
    const code = await codeOf(graph, reg);
    const scanId = randomUUID();
    const first = await graph.query(SCAN, { code, scanId }, resident(visitor));
    expect(first.body.errors).toBeUndefined();
    expect((await graph.query(DELETE, { id: reg.id }, registrar(reg.registrarId))).body.errors).toBeUndefined();
    const before = await visits(visitor.personId);

    const again = await graph.query(SCAN, { code, scanId }, resident(visitor));
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data.checkIn.id).toBe(first.body.data.checkIn.id);
    const fresh = await graph.query(SCAN, { code, scanId: randomUUID() }, resident(visitor));
    expect(errorOf(fresh)?.extensions).toMatchObject({ code: "CONFLICT", reason: "REGISTER_DELETED" });
    expect(await visits(visitor.personId)).toBe(before);
  });
});
