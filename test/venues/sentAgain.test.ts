// A change sent again after an answer that never came (the gateway's outcome UNKNOWN) is answered
// with what the first sending did, never made twice, through the real graph in both modes: a
// visitor's scan named by its scanId, a register application or opening named by its requestKey.
// Without one, every sending is a change, as before; a key reused for something else, or
// malformed, is refused and nothing is written.
import { randomUUID } from "node:crypto";
import { MODES } from "../support/services";
import { startTestGraph, type TestGraph } from "../support/graph";
import { PrismaClient } from "../../subgraphs/venues/generated/prisma/client";
import { purgeExpired } from "../../subgraphs/venues/retention";
import { codeOf, count, greens, registrar, resident } from "./helpers";

const SCAN = `mutation Scan($code: String!, $scanId: ID) { checkIn(registerCode: $code, scanId: $scanId) { id checkedInAt register { id } } }`;
const DELETE = `mutation Delete($id: ID!) { deleteRegister(id: $id) { id status } }`;
const APPLY = `mutation Apply($venue: VenueDetails!, $label: String!, $key: ID) { applyForRegister(venue: $venue, label: $label, requestKey: $key) { id status venue { id name } } }`;
const CREATE = `mutation Create($venueId: ID!, $label: String!, $key: ID) { createRegister(venueId: $venueId, label: $label, requestKey: $key) { id status venue { id } } }`;
const shop = { name: "重发测试便利店", kind: "SHOP", district: "东城区", community: "和平里社区", address: "东城区和平里3号" };

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

  test("an application or a new register sent again with its requestKey answers the register it opened: one venue, one register, at once or later", async () => {
    const owner = greens(graph)[4]!;
    const tables = async () => Promise.all(["venue", "register", "registrar", "register_request"].map((t) => count(graph, t)));
    const before = await tables();

    const key = randomUUID();
    const first = await graph.query(APPLY, { venue: shop, label: "前台", key }, resident(owner));
    expect(first.body.errors).toBeUndefined();
    const again = await graph.query(APPLY, { venue: shop, label: "前台", key }, resident(owner));
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data.applyForRegister).toEqual(first.body.data.applyForRegister);
    expect(await tables()).toEqual([before[0]! + 1, before[1]! + 1, before[2]! + 1, before[3]! + 1]);

    // Three sendings at once: one venue and register, all three answered with it.
    const racing = randomUUID();
    const all = await Promise.all([0, 1, 2].map(() => graph.query(APPLY, { venue: { ...shop, address: "东城区和平里5号" }, label: "后门", key: racing }, resident(owner))));
    for (const r of all) expect(r.body.errors).toBeUndefined();
    expect(new Set(all.map((r) => r.body.data.applyForRegister.id)).size).toBe(1);
    expect(await tables()).toEqual([before[0]! + 2, before[1]! + 2, before[2]! + 2, before[3]! + 2]);

    // Another register for the venue, sent twice with its key: one register.
    const venueId = first.body.data.applyForRegister.venue.id;
    const openKey = randomUUID();
    const opened = await graph.query(CREATE, { venueId, label: "二号收银台", key: openKey }, registrar(owner.personId));
    expect(opened.body.errors).toBeUndefined();
    const reopened = await graph.query(CREATE, { venueId, label: "二号收银台", key: openKey }, registrar(owner.personId));
    expect(reopened.body.data.createRegister.id).toBe(opened.body.data.createRegister.id);
    expect(await tables()).toEqual([before[0]! + 2, before[1]! + 3, before[2]! + 2, before[3]! + 3]);

    // Without a key every sending opens a register, as before.
    const a = await graph.query(CREATE, { venueId, label: "三号" }, registrar(owner.personId));
    const b = await graph.query(CREATE, { venueId, label: "三号" }, registrar(owner.personId));
    expect(a.body.data.createRegister.id).not.toBe(b.body.data.createRegister.id);
    expect(await tables()).toEqual([before[0]! + 2, before[1]! + 5, before[2]! + 2, before[3]! + 3]);
  });

  test("a requestKey sent with other details, for the other mutation, or malformed is refused; nothing is written", async () => {
    const owner = greens(graph)[5]!;
    const key = randomUUID();
    const first = await graph.query(APPLY, { venue: { ...shop, address: "东城区和平里7号" }, label: "前台", key }, resident(owner));
    expect(first.body.errors).toBeUndefined();
    const venueId = first.body.data.applyForRegister.venue.id;
    const tables = async () => Promise.all(["venue", "register", "registrar", "register_request"].map((t) => count(graph, t)));
    const before = await tables();

    const refusals = [
      await graph.query(APPLY, { venue: { ...shop, address: "东城区和平里7号" }, label: "别的标签", key }, resident(owner)),
      await graph.query(APPLY, { venue: { ...shop, name: "另一家店", address: "东城区和平里7号" }, label: "前台", key }, resident(owner)),
      await graph.query(CREATE, { venueId, label: "前台", key }, registrar(owner.personId)),
    ];
    for (const res of refusals) {
      expect(res.body.data?.applyForRegister ?? res.body.data?.createRegister ?? null).toBeNull();
      expect(errorOf(res)?.extensions).toMatchObject({ code: "CONFLICT", reason: "REQUEST_KEY_REUSED", field: "requestKey" });
    }
    for (const bad of ["short", "has a space in it", "y".repeat(65), "申请编号一二三四五六七八"]) {
      const res = await graph.query(CREATE, { venueId, label: "四号", key: bad }, registrar(owner.personId));
      expect(errorOf(res)?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "REQUEST_KEY_MALFORMED", field: "requestKey" });
      expect(errorOf(res)?.message).not.toContain(bad);
    }
    expect(await tables()).toEqual(before);
  });

  test("the retention purge removes a register with its request key and its keyed check-ins", async () => {
    const owner = greens(graph)[6]!;
    const visitor = greens(graph)[7]!;
    const key = randomUUID();
    const applied = await graph.query(APPLY, { venue: { ...shop, address: "东城区和平里11号" }, label: "前台", key }, resident(owner));
    expect(applied.body.errors).toBeUndefined();
    const reg = applied.body.data.applyForRegister;
    const code = await codeOf(graph, { id: reg.id, registrarId: owner.personId });
    expect((await graph.query(SCAN, { code, scanId: randomUUID() }, resident(visitor))).body.errors).toBeUndefined();
    expect((await graph.query(DELETE, { id: reg.id }, registrar(owner.personId))).body.errors).toBeUndefined();
    await graph.databases.venues.sql.query(`UPDATE register SET deleted_at = now() - interval '400 days' WHERE id = $1`, [reg.id]);
    const prisma = new PrismaClient({ adapter: graph.databases.venues.adapter });
    try {
      const purged = await purgeExpired(prisma, 28);
      expect(purged.registers).toBeGreaterThanOrEqual(1);
    } finally {
      await prisma.$disconnect();
    }
    expect(await count(graph, "register", "id = $1", [reg.id])).toBe(0);
    expect(await count(graph, "register_request", "register_id = $1", [reg.id])).toBe(0);
    expect(await count(graph, "check_in", "register_id = $1", [reg.id])).toBe(0);
  });
});
