// Venues, registrars and signed registers through the real graph (issue 14, deliverables 1–3):
// applying with a venue's details, registrar rows (not token claims), signed QR payloads
// verifiable offline, printable images, check-ins that carry colour, siren and admission, and
// every bad-input path refused with a code and nothing written.
import { randomBytes } from "node:crypto";
import { importJWK, jwtVerify } from "jose";
import { MODES } from "../support/services";
import { startTestGraph, type TestGraph } from "../support/graph";
import { registerCodeKeys } from "../../subgraphs/venues/qr/keys";
import { signRegisterCode } from "../../subgraphs/venues/qr/registerCode";
import { APPLY, CHECK_IN, codeOf, count, greens, popups, registrar, resident } from "./helpers";

const CREATE = `mutation Create($venueId: ID!, $label: String!) { createRegister(venueId: $venueId, label: $label) { id status } }`;
const DELETE = `mutation Delete($id: ID!) { deleteRegister(id: $id) { id status } }`;
const RESUME = `mutation Resume($id: ID!) { resumeRegister(id: $id) { id status } }`;
const RENEW = `mutation Renew($id: ID!) { renewRegisterCode(id: $id) { id code } }`;
const SUSPEND = `mutation Suspend($id: ID!, $reason: String!) { suspendRegister(id: $id, reason: $reason) { id status suspension { kind reason } } }`;
const ADD = `mutation Add($venueId: ID!, $doc: String!) { addRegistrar(venueId: $venueId, documentNumber: $doc) { id } }`;

describe.each(MODES)("venue registers (%s mode)", (mode) => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph(mode);
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const shop = { name: "测试便利店", kind: "SHOP", district: "东城区", community: "和平里社区", address: "东城区和平里1号" };
  const hospital = { name: "测试医院", kind: "HOSPITAL", district: "东城区", community: "和平里社区", address: "东城区和平里9号" };
  const errorOf = (res: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) => res.body.errors?.[0]?.extensions;

  test("a green resident applies with the venue's details: a registrar row, a signed code any scanner verifies offline, SVG and PNG", async () => {
    const owner = greens(graph)[0]!;
    const res = await graph.query(APPLY, { venue: shop, label: "收银台" }, resident(owner));
    expect(res.body.errors).toBeUndefined();
    const reg = res.body.data.applyForRegister;
    expect(reg).toMatchObject({ status: "ACTIVE", label: "收银台", venue: { name: shop.name, kind: "SHOP", community: shop.community } });
    expect(await count(graph, "registrar", "venue_id = $1 AND person_id = $2", [reg.venue.id, owner.personId])).toBe(1);

    // Offline: only the published public key and the payload.
    const keys = await graph.query(`{ registerCodeKeys }`, {}, resident(greens(graph)[1]!));
    const jwk = JSON.parse(keys.body.data.registerCodeKeys[0]);
    expect(jwk.d).toBeUndefined();
    const { payload, protectedHeader } = await jwtVerify(reg.code, await importJWK(jwk, "EdDSA"), { issuer: "health-graph/venues" });
    expect(protectedHeader.alg).toBe("EdDSA");
    expect(payload.sub).toBe(reg.id);
    expect(payload.vid).toBe(reg.venue.id);
    expect(new Date(reg.qr.expiresAt).getTime()).toBe(payload.exp! * 1000);
    expect(reg.qr.payload).toBe(reg.code);
    expect(reg.qr.svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const png = Buffer.from(reg.qr.png.replace(/^data:image\/png;base64,/, ""), "base64");
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

    // A busy venue: the same registrar opens a second register, and names a colleague who opens a third.
    expect(errorOf(await graph.query(CREATE, { venueId: reg.venue.id, label: "侧门" }, registrar(owner.personId)))).toBeUndefined();
    const colleague = greens(graph)[2]!;
    expect(errorOf(await graph.query(CREATE, { venueId: reg.venue.id, label: "后门" }, registrar(colleague.personId, [reg.venue.id])))?.reason).toBe("NOT_REGISTRAR_OF_VENUE");
    expect(errorOf(await graph.query(ADD, { venueId: reg.venue.id, doc: colleague.idNumber }, registrar(owner.personId)))).toBeUndefined();
    expect(errorOf(await graph.query(CREATE, { venueId: reg.venue.id, label: "后门" }, registrar(colleague.personId)))).toBeUndefined();
    expect(await count(graph, "register", "venue_id = $1", [reg.venue.id])).toBe(3);
  });

  test("a token's venue claim is not enough: another venue's registrar can neither open, delete, resume, renew nor read its code", async () => {
    const [a, b] = [graph.city.registers[0]!, graph.city.registers.find((r) => r.venueId !== graph.city.registers[0]!.venueId && r.registrarId !== graph.city.registers[0]!.registrarId)!];
    const intruder = registrar(b.registrarId, [a.venueId]); // claims venue a, but is no registrar row of it
    const before = { registers: await count(graph, "register"), a: (await graph.databases.venues.sql.query("SELECT * FROM register WHERE id = $1", [a.id]))[0] };
    expect(errorOf(await graph.query(CREATE, { venueId: a.venueId, label: "冒名" }, intruder))).toMatchObject({ code: "FORBIDDEN", reason: "NOT_REGISTRAR_OF_VENUE" });
    for (const op of [DELETE, RESUME, RENEW]) expect(errorOf(await graph.query(op, { id: a.id }, intruder))).toMatchObject({ code: "FORBIDDEN", reason: "NOT_OWN_REGISTER" });
    const read = await graph.query(`query V($id: ID!) { venue(id: $id) { registers { id label code } } }`, { id: a.venueId }, intruder);
    // Registrars list only their own registers (the intruder sees none of venue a's); any listed
    // register would show no code, with a FORBIDDEN error for it.
    expect(read.body.data.venue.registers.some((r: { id: string }) => r.id === a.id)).toBe(false);
    expect(read.body.data.venue.registers.every((r: { code: string | null }) => r.code === null)).toBe(true);
    expect((read.body.errors ?? []).every((e) => e.extensions?.code === "FORBIDDEN")).toBe(true);
    expect(await count(graph, "register")).toBe(before.registers);
    expect((await graph.databases.venues.sql.query("SELECT * FROM register WHERE id = $1", [a.id]))[0]).toEqual(before.a);
  });

  test("a registrar who is not green may not apply or open a register, and nothing is written", async () => {
    const sick = greens(graph)[3]!;
    await graph.databases.venues.sql.query("INSERT INTO person_status (person_id, abnormal, as_of) VALUES ($1, true, now())", [sick.personId]);
    const before = [await count(graph, "venue"), await count(graph, "register"), await count(graph, "registrar")];
    expect(errorOf(await graph.query(APPLY, { venue: { ...shop, name: "病中申请" }, label: "门口" }, resident(sick)))).toMatchObject({ code: "FORBIDDEN", reason: "REGISTRAR_STATUS_ABNORMAL" });
    expect([await count(graph, "venue"), await count(graph, "register"), await count(graph, "registrar")]).toEqual(before);
  });

  test("a check-in answers with the visitor's colour and the siren; a hospital admits a pop-up visitor, a shop does not", async () => {
    const owner = greens(graph)[4]!;
    const shopReg = (await graph.query(APPLY, { venue: { ...shop, name: "检查便利店" }, label: "门口" }, resident(owner))).body.data.applyForRegister;
    const hospReg = (await graph.query(APPLY, { venue: hospital, label: "发热门诊" }, resident(owner))).body.data.applyForRegister;
    const green = (await graph.query(CHECK_IN, { code: shopReg.code }, resident(greens(graph)[5]!))).body;
    expect(green.errors).toBeUndefined();
    expect(green.data.checkIn).toMatchObject({ colour: "GREEN", alert: false, admitted: true, venue: { kind: "SHOP" } });
    const popped = popups(graph)[0]!;
    const atShop = (await graph.query(CHECK_IN, { code: shopReg.code }, resident(popped))).body;
    expect(atShop.data.checkIn).toMatchObject({ colour: "POPUP", alert: true, admitted: false });
    const atHospital = (await graph.query(CHECK_IN, { code: hospReg.code }, resident(popped))).body;
    expect(atHospital.data.checkIn).toMatchObject({ colour: "POPUP", alert: true, admitted: true, venue: { kind: "HOSPITAL" } });
    // Both visits are on record for tracing, the refused one too.
    expect(await count(graph, "check_in", "person_id = $1 AND register_id IN ($2, $3)", [popped.personId, shopReg.id, hospReg.id])).toBe(2);
  });

  test("forged, foreign, expired, replaced, deleted and suspended codes are refused with a code, and no check-in is written", async () => {
    const visitor = resident(greens(graph)[6]!);
    const seeded = graph.city.registers[3]!;
    const real = await codeOf(graph, seeded);
    const keys = registerCodeKeys(graph.secrets.pepper);
    const cases: Array<[string, string, string, string]> = [];
    cases.push(["an unsigned code", "QR-venue-1-1", "BAD_USER_INPUT", "REGISTER_CODE_INVALID"]);
    cases.push(["a code signed with another key", await signRegisterCode(registerCodeKeys(randomBytes(32)), seeded.id, seeded.venueId, 3600), "BAD_USER_INPUT", "REGISTER_CODE_INVALID"]);
    cases.push(["a tampered payload", real.slice(0, -4) + (real.endsWith("AAAA") ? "BBBB" : "AAAA"), "BAD_USER_INPUT", "REGISTER_CODE_INVALID"]);
    cases.push(["an expired code", await signRegisterCode(keys, seeded.id, seeded.venueId, 60, new Date(Date.now() - 3_600_000)), "BAD_USER_INPUT", "REGISTER_CODE_EXPIRED"]);

    const owner = greens(graph)[7]!;
    const open = async (label: string) => (await graph.query(APPLY, { venue: { ...shop, name: `待拒${label}` }, label }, resident(owner))).body.data.applyForRegister;
    const renewed = await open("换码");
    expect(errorOf(await graph.query(RENEW, { id: renewed.id }, registrar(owner.personId)))).toBeUndefined();
    cases.push(["a replaced code", renewed.code, "CONFLICT", "REGISTER_CODE_REPLACED"]);
    const deleted = await open("删除");
    expect((await graph.query(DELETE, { id: deleted.id }, registrar(owner.personId))).body.data.deleteRegister.status).toBe("DELETED");
    cases.push(["a deleted register", deleted.code, "CONFLICT", "REGISTER_DELETED"]);
    const suspended = await open("停用");
    const officer = { role: "COMMUNITY_OFFICER" as const, subject: graph.city.residents[3]!.personId, community: shop.community };
    expect(errorOf(await graph.query(SUSPEND, { id: suspended.id, reason: "" }, officer))?.code).toBe("BAD_USER_INPUT");
    expect(errorOf(await graph.query(SUSPEND, { id: suspended.id, reason: "未查验健康码" }, { ...officer, community: "别的社区" }))?.reason).toBe("OUTSIDE_COMMUNITY");
    const s = await graph.query(SUSPEND, { id: suspended.id, reason: "未查验健康码" }, officer);
    expect(s.body.data.suspendRegister).toMatchObject({ status: "SUSPENDED", suspension: { kind: "OFFICER", reason: "未查验健康码" } });
    // The reason describes the registrar: the officer's full view of it is audited in venues' log.
    expect(await count(graph, "disclosure_audit", "role = 'COMMUNITY_OFFICER' AND person_id = $1 AND 'Suspension.reason' = ANY(fields)", [owner.personId])).toBe(1);
    // Another venue's registrar learns neither why (the registrar's health, or the officer's text) nor the reason.
    const nosy = await graph.query(`query V($id: ID!) { venue(id: $id) { registers { id suspension { kind reason } } } }`, { id: suspended.venue.id }, registrar(graph.city.registers[0]!.registrarId));
    expect(JSON.stringify(nosy.body)).not.toContain("未查验健康码");
    expect(nosy.body.data.venue.registers.find((r: { id: string }) => r.id === suspended.id)?.suspension ?? null).toBeNull();
    // An officer of another community sees the register but not why it is suspended.
    const elsewhere = await graph.query(`query V($id: ID!) { venue(id: $id) { registers { id status suspension { kind reason } } } }`, { id: suspended.venue.id }, { ...officer, community: "别的社区" });
    expect(elsewhere.body.data.venue.registers.find((r: { id: string }) => r.id === suspended.id)).toEqual({ id: suspended.id, status: "SUSPENDED", suspension: null });
    expect(JSON.stringify(elsewhere.body)).not.toContain("未查验健康码");
    // An auditor gets the reason's length only.
    const audited = await graph.query(`query V($id: ID!) { venue(id: $id) { registers { id suspension { kind reason disclosures { field disclosure } } } } }`, { id: suspended.venue.id }, { role: "AUDITOR", subject: graph.city.residents[1]!.personId });
    const seen = audited.body.data.venue.registers.find((r: { id: string }) => r.id === suspended.id).suspension;
    expect(seen).toMatchObject({ kind: "OFFICER", disclosures: [{ field: "reason", disclosure: "GENERALISED" }] });
    expect(seen.reason).not.toContain("未查验健康码");
    cases.push(["an officer-suspended register", suspended.code, "CONFLICT", "REGISTER_SUSPENDED"]);

    const before = await count(graph, "check_in");
    for (const [what, code, expected, reason] of cases) {
      const res = await graph.query(CHECK_IN, { code }, visitor);
      expect([what, errorOf(res)?.code, errorOf(res)?.reason]).toEqual([what, expected, reason]);
      expect(res.body.data).toBeNull();
    }
    // The visitor is told the committee suspended it, not the officer's text about the registrar.
    const refusal = await graph.query(CHECK_IN, { code: suspended.code }, visitor);
    expect(refusal.body.errors?.[0]?.message).toContain("community committee");
    expect(refusal.body.errors?.[0]?.message).not.toContain("未查验健康码");
    // The registrar cannot lift an officer's suspension.
    expect(errorOf(await graph.query(RESUME, { id: suspended.id }, registrar(owner.personId)))).toMatchObject({ code: "FORBIDDEN", reason: "SUSPENDED_BY_OFFICER" });
    expect(await count(graph, "check_in")).toBe(before);
    // And the real code still works.
    expect((await graph.query(CHECK_IN, { code: real }, visitor)).body.errors).toBeUndefined();
  });
});
