// A registrar's scanner sends a batch of scanned testing codes (checkInBatch, issue 14 item 7):
// each code answered on its own and in order, with the rules of checkInByTestingCode item by item
// (retry answers the same check-in, replay at another register refused, forged/expired/malformed
// refused with their reasons); whole-batch refusals (not the registrar's register, suspended,
// wrong role, empty or oversized) write nothing. Through the real graph, both modes.
import { generateKeyPair } from "jose";
import { MODES } from "../support/services";
import { startTestGraph, type TestGraph } from "../support/graph";
import { loadTestingCodeKeys, signTestingCode } from "../../kernel/testingCode";
import type { Viewer } from "../../kernel/auth/viewer";
import type { DemoResident } from "../../kernel/demo/city";
import { APPLY, count, greens, popups, registrar, resident } from "./helpers";

const BATCH = `mutation Batch($registerId: ID!, $codes: [String!]!) {
  checkInBatch(registerId: $registerId, testingCodes: $codes) { checkIn { id colour alert admitted register { id } } error { code reason message } } }`;
const SUSPEND = `mutation Suspend($id: ID!, $reason: String!) { suspendRegister(id: $id, reason: $reason) { id status } }`;

type Item = { checkIn: { id: string; colour: string; alert: boolean; admitted: boolean; register: { id: string } } | null; error: { code: string; reason: string | null; message: string } | null };

describe.each(MODES)("check-in batch by testing codes (%s mode)", (mode) => {
  let graph: TestGraph;
  let shop: { registrar: DemoResident; registerId: string };
  let hospital: { registrar: DemoResident; registerId: string };
  let keys: Awaited<ReturnType<typeof loadTestingCodeKeys>>;
  beforeAll(async () => {
    // A generous deadline: this file asserts answers, not speed, and shares two cores with others.
    graph = await startTestGraph(mode, 60, { gateway: { requestDeadlineMs: 60_000 } });
    keys = await loadTestingCodeKeys(process.env, "/nonexistent");
    const apply = async (who: DemoResident, kind: string, name: string) => {
      const venue = { name, kind, district: "东城区", community: "和平里社区", address: `东城区和平里${kind.length}号` };
      const res = await graph.query(APPLY, { venue, label: "入口扫码枪" }, resident(who));
      expect(res.body.errors).toBeUndefined();
      return { registrar: who, registerId: res.body.data.applyForRegister.id as string };
    };
    shop = await apply(greens(graph)[0]!, "SHOP", "批量扫码超市");
    hospital = await apply(greens(graph)[1]!, "HOSPITAL", "批量扫码医院");
  });
  afterAll(async () => {
    await graph?.stop();
  });

  /** What health-code's issueTestingCode signs (the test process's key, which every silo of this graph uses). */
  const codeFor = async (who: DemoResident, now?: Date) => (await signTestingCode(who.personId, { privateKey: keys.privateKey }, { now })).payload;
  const batch = (by: Viewer, registerId: string, codes: string[]) => graph.query(BATCH, { registerId, codes }, by);
  const written = async () => [await count(graph, "check_in"), await count(graph, "testing_code_use")];
  const errorOf = (res: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) => res.body.errors?.[0]?.extensions;

  test("each code is answered in order: valid ones checked in with colour and siren, refused ones with their reason; only the valid ones are written", async () => {
    const [g1, g2] = [greens(graph)[2]!, greens(graph)[3]!];
    const popped = popups(graph)[0]!;
    const stranger = await generateKeyPair("ES256");
    const forged = (await signTestingCode(g2.personId, { privateKey: stranger.privateKey })).payload;
    const expired = await codeFor(g2, new Date(Date.now() - 10 * 60_000));
    const c1 = await codeFor(g1);
    const codes = [c1, forged, await codeFor(popped), expired, g2.idNumber, c1];
    const before = await written();
    const res = await batch(registrar(shop.registrar.personId), shop.registerId, codes);
    expect(res.body.errors).toBeUndefined();
    const items = res.body.data.checkInBatch as Item[];
    expect(items).toHaveLength(codes.length);
    expect(items[0]).toMatchObject({ checkIn: { colour: "GREEN", alert: false, admitted: true, register: { id: shop.registerId } }, error: null });
    expect(items[1]).toMatchObject({ checkIn: null, error: { code: "BAD_USER_INPUT", reason: "TESTING_CODE_FORGED" } });
    expect(items[2]).toMatchObject({ checkIn: { colour: "POPUP", alert: true, admitted: false }, error: null });
    expect(items[3]).toMatchObject({ checkIn: null, error: { code: "BAD_USER_INPUT", reason: "TESTING_CODE_EXPIRED" } });
    expect(items[4]).toMatchObject({ checkIn: null, error: { code: "BAD_USER_INPUT", reason: "TESTING_CODE_MALFORMED" } });
    // The scanner read the same code twice: one visit, the same check-in in both answers.
    expect(items[5]!.checkIn!.id).toBe(items[0]!.checkIn!.id);
    expect(await written()).toEqual([before[0]! + 2, before[1]! + 2]);
    // Each visit is its visitor's, at this register; a refusal names no one.
    for (const who of [g1, popped]) expect(await count(graph, "check_in", "person_id = $1 AND register_id = $2", [who.personId, shop.registerId])).toBe(1);
    expect(JSON.stringify(items.filter((i) => i.error))).not.toContain(g2.idNumber);
    expect(JSON.stringify(items.filter((i) => i.error))).not.toContain(g2.personId);
  });

  test("the same batch again answers the same check-ins and writes nothing; its codes at another register are replays, refused per item", async () => {
    const codes = [await codeFor(greens(graph)[4]!), await codeFor(greens(graph)[5]!)];
    const first = (await batch(registrar(shop.registrar.personId), shop.registerId, codes)).body.data.checkInBatch as Item[];
    expect(first.every((i) => i.checkIn && !i.error)).toBe(true);
    const before = await written();
    const again = (await batch(registrar(shop.registrar.personId), shop.registerId, codes)).body.data.checkInBatch as Item[];
    expect(again.map((i) => i.checkIn?.id)).toEqual(first.map((i) => i.checkIn!.id));
    const fresh = await codeFor(greens(graph)[6]!);
    const elsewhere = (await batch(registrar(hospital.registrar.personId), hospital.registerId, [...codes, fresh])).body.data.checkInBatch as Item[];
    expect(elsewhere.slice(0, 2).map((i) => i.error?.reason)).toEqual(["TESTING_CODE_REPLAYED", "TESTING_CODE_REPLAYED"]);
    // A hospital admits every colour (seed 004); the one fresh code is the only write.
    expect(elsewhere[2]).toMatchObject({ checkIn: { admitted: true }, error: null });
    expect(await written()).toEqual([before[0]! + 1, before[1]! + 1]);
  });

  test("whole-batch refusals write nothing: another registrar's register, a resident, an unknown register, no codes, too many codes, a suspended register", async () => {
    const code = await codeFor(greens(graph)[7]!);
    const before = await written();
    expect(errorOf(await batch(registrar(hospital.registrar.personId), shop.registerId, [code]))).toMatchObject({ code: "FORBIDDEN", reason: "NOT_OWN_REGISTER" });
    expect(errorOf(await batch(resident(greens(graph)[8]!), shop.registerId, [code]))?.code).toBe("FORBIDDEN");
    expect(errorOf(await batch(registrar(shop.registrar.personId), "no-such-register", [code]))?.code).toBe("NOT_FOUND");
    expect(errorOf(await batch(registrar(shop.registrar.personId), shop.registerId, []))).toMatchObject({ code: "BAD_USER_INPUT", field: "testingCodes" });
    expect(errorOf(await batch(registrar(shop.registrar.personId), shop.registerId, Array.from({ length: 201 }, () => code)))).toMatchObject({ code: "BAD_USER_INPUT", field: "testingCodes" });
    const officer: Viewer = { role: "COMMUNITY_OFFICER", subject: greens(graph)[10]!.personId, community: "和平里社区" };
    expect(errorOf(await graph.query(SUSPEND, { id: hospital.registerId, reason: "未查验登记" }, officer))).toBeUndefined();
    expect(errorOf(await batch(registrar(hospital.registrar.personId), hospital.registerId, [code]))).toMatchObject({ code: "CONFLICT", reason: "REGISTER_SUSPENDED" });
    expect(await written()).toEqual(before);
    // None of the refusals spent the code.
    const ok = (await batch(registrar(shop.registrar.personId), shop.registerId, [code])).body.data.checkInBatch as Item[];
    expect(ok[0]).toMatchObject({ error: null, checkIn: { colour: "GREEN" } });
  });
});
