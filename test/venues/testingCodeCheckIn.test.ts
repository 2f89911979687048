// A registrar scans a visitor's testing code (核酸码) to check them in (issue 14, deliverable 3,
// the second way): the code comes from health-code's issueTestingCode through the graph, venues
// verifies it offline, and the answer carries colour, siren and admission like a QR check-in.
// Forged, expired, malformed and replayed-beyond-policy codes are refused with distinct reasons,
// as are other registrars' registers and suspended ones: nothing written in any refusal.
import { generateKeyPair } from "jose";
import { MODES } from "../support/services";
import { startTestGraph, type TestGraph } from "../support/graph";
import { loadTestingCodeKeys, signTestingCode } from "../../kernel/testingCode";
import type { Viewer } from "../../kernel/auth/viewer";
import type { DemoResident } from "../../kernel/demo/city";
import { APPLY, count, greens, popups, registrar, resident } from "./helpers";

const ISSUE = `mutation { issueTestingCode { payload expiresAt } }`;
const SCAN = `mutation Scan($registerId: ID!, $code: String!) {
  checkInByTestingCode(registerId: $registerId, testingCode: $code) { id checkedInAt colour alert admitted person { id } venue { id kind } register { id } } }`;
const SUSPEND = `mutation Suspend($id: ID!, $reason: String!) { suspendRegister(id: $id, reason: $reason) { id status } }`;

describe.each(MODES)("check-in by testing code (%s mode)", (mode) => {
  let graph: TestGraph;
  /** A registrar of a new SHOP and of a new HOSPITAL (two fresh green residents), with their registers. */
  let shop: { registrar: DemoResident; registerId: string };
  let hospital: { registrar: DemoResident; registerId: string };
  beforeAll(async () => {
    graph = await startTestGraph(mode);
    const apply = async (who: DemoResident, kind: string, name: string) => {
      const venue = { name, kind, district: "东城区", community: "和平里社区", address: `东城区和平里${kind.length}号` };
      const res = await graph.query(APPLY, { venue, label: "门口" }, resident(who));
      expect(res.body.errors).toBeUndefined();
      return { registrar: who, registerId: res.body.data.applyForRegister.id as string };
    };
    shop = await apply(greens(graph)[0]!, "SHOP", "扫码测试便利店");
    hospital = await apply(greens(graph)[1]!, "HOSPITAL", "扫码测试医院");
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const errorOf = (res: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) => res.body.errors?.[0]?.extensions;
  const issue = async (who: DemoResident): Promise<string> => {
    const res = await graph.query(ISSUE, {}, resident(who));
    expect(res.body.errors).toBeUndefined();
    return res.body.data.issueTestingCode.payload;
  };
  const scan = (by: Viewer, registerId: string, code: string) => graph.query(SCAN, { registerId, code }, by);
  const written = async () => [await count(graph, "check_in"), await count(graph, "testing_code_use")];

  test("a green visitor's code checks them in at the registrar's register: GREEN, no siren, admitted, the visit is the visitor's", async () => {
    const visitor = greens(graph)[5]!;
    const code = await issue(visitor);
    const before = await count(graph, "check_in", "person_id = $1 AND register_id = $2", [visitor.personId, shop.registerId]);
    const res = await scan(registrar(shop.registrar.personId), shop.registerId, code);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.checkInByTestingCode).toMatchObject({ colour: "GREEN", alert: false, admitted: true, venue: { kind: "SHOP" }, register: { id: shop.registerId } });
    // The visit is recorded on the visitor (not on the registrar who scanned).
    expect(await count(graph, "check_in", "person_id = $1 AND register_id = $2", [visitor.personId, shop.registerId])).toBe(before + 1);
    // Registrars see visitors under their audience's key, never the internal pseudonym.
    expect(res.body.data.checkInByTestingCode.person.id).not.toBe(visitor.personId);

    // The registrar's app retries the same scan: the same check-in, nothing new written.
    const writtenBefore = await written();
    const retry = await scan(registrar(shop.registrar.personId), shop.registerId, code);
    expect(retry.body.errors).toBeUndefined();
    expect(retry.body.data.checkInByTestingCode.id).toBe(res.body.data.checkInByTestingCode.id);
    expect(await written()).toEqual(writtenBefore);

    // The same code at another register is a replay beyond the policy (one register per code).
    const replay = await scan(registrar(hospital.registrar.personId), hospital.registerId, code);
    expect(errorOf(replay)).toMatchObject({ code: "BAD_USER_INPUT", reason: "TESTING_CODE_REPLAYED" });
    expect(replay.body.data?.checkInByTestingCode ?? null).toBeNull();
    expect(await written()).toEqual(writtenBefore);
  });

  test("a pop-up visitor sounds the siren: a shop answers not admitted, a hospital admits (seed 004); both visits are recorded", async () => {
    const visitor = popups(graph)[0]!;
    const atShop = await scan(registrar(shop.registrar.personId), shop.registerId, await issue(visitor));
    expect(atShop.body.errors).toBeUndefined();
    expect(atShop.body.data.checkInByTestingCode).toMatchObject({ colour: "POPUP", alert: true, admitted: false });
    const atHospital = await scan(registrar(hospital.registrar.personId), hospital.registerId, await issue(visitor));
    expect(atHospital.body.errors).toBeUndefined();
    expect(atHospital.body.data.checkInByTestingCode).toMatchObject({ colour: "POPUP", alert: true, admitted: true, venue: { kind: "HOSPITAL" } });
    expect(await count(graph, "check_in", "person_id = $1 AND register_id = ANY($2::text[])", [visitor.personId, [shop.registerId, hospital.registerId]])).toBe(2);
  });

  test("forged, expired and malformed codes are refused with distinct reasons; nothing written", async () => {
    const visitor = greens(graph)[6]!;
    const now = new Date();
    // Signed by a key that is not health-code's.
    const stranger = await generateKeyPair("ES256");
    const forged = await signTestingCode(visitor.personId, { privateKey: stranger.privateKey });
    // Health-code's own key (the test process's, as every silo of this graph uses), but issued 10 minutes ago.
    const keys = await loadTestingCodeKeys(process.env, "/nonexistent");
    const expired = await signTestingCode(visitor.personId, { privateKey: keys.privateKey }, { now: new Date(now.getTime() - 10 * 60_000) });
    const fresh = await signTestingCode(visitor.personId, { privateKey: keys.privateKey });
    const [h, , s] = fresh.payload.slice("HGTC1.".length).split(".");
    const otherClaims = Buffer.from(JSON.stringify({ iss: "health-code", aud: "testing-code", sub: greens(graph)[7]!.personId, jti: "x", iat: 1, exp: 9_999_999_999 })).toString("base64url");
    const before = await written();
    const cases: Array<[string, string]> = [
      [forged.payload, "TESTING_CODE_FORGED"],
      [`HGTC1.${h}.${otherClaims}.${s}`, "TESTING_CODE_FORGED"],
      [expired.payload, "TESTING_CODE_EXPIRED"],
      [visitor.idNumber, "TESTING_CODE_MALFORMED"],
      ["HGTC1.not-a-jws", "TESTING_CODE_MALFORMED"],
    ];
    for (const [code, reason] of cases) {
      const res = await scan(registrar(shop.registrar.personId), shop.registerId, code);
      expect({ reason, got: errorOf(res) }).toMatchObject({ reason, got: { code: "BAD_USER_INPUT", reason } });
      // The refusal names no one: neither the visitor's ID number nor their pseudonym.
      expect(JSON.stringify(res.body)).not.toContain(visitor.idNumber);
      expect(JSON.stringify(res.body)).not.toContain(visitor.personId);
    }
    expect(await written()).toEqual(before);
    // The same key's fresh code is good: the refusals above were about the codes, not the key.
    expect(errorOf(await scan(registrar(shop.registrar.personId), shop.registerId, fresh.payload))).toBeUndefined();
  });

  test("only the register's own registrar scans at it, and a suspended register refuses; nothing written", async () => {
    const visitor = greens(graph)[8]!;
    const code = await issue(visitor);
    const before = await written();
    // Another registrar (of the hospital) at the shop's register; a seeded registrar too.
    expect(errorOf(await scan(registrar(hospital.registrar.personId), shop.registerId, code))).toMatchObject({ code: "FORBIDDEN", reason: "NOT_OWN_REGISTER" });
    expect(errorOf(await scan(registrar(graph.city.registers[0]!.registrarId), shop.registerId, code))).toMatchObject({ code: "FORBIDDEN" });
    // A resident cannot scan others in; an unknown register is NOT_FOUND.
    expect(errorOf(await scan(resident(greens(graph)[9]!), shop.registerId, code))?.code).toBe("FORBIDDEN");
    expect(errorOf(await scan(registrar(shop.registrar.personId), "no-such-register", code))?.code).toBe("NOT_FOUND");
    expect(await written()).toEqual(before);

    // The community officer suspends the hospital's register for rule-breaking: scans there are refused.
    const officer: Viewer = { role: "COMMUNITY_OFFICER", subject: greens(graph)[10]!.personId, community: "和平里社区" };
    expect(errorOf(await graph.query(SUSPEND, { id: hospital.registerId, reason: "未查验登记" }, officer))).toBeUndefined();
    const refused = await scan(registrar(hospital.registrar.personId), hospital.registerId, code);
    expect(errorOf(refused)).toMatchObject({ code: "CONFLICT", reason: "REGISTER_SUSPENDED" });
    expect(await written()).toEqual(before);
    // The refused scan did not spend the code: it still checks the visitor in at a register in service.
    expect(errorOf(await scan(registrar(shop.registrar.personId), shop.registerId, code))).toBeUndefined();
  });
});
