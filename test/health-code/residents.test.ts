// Resident intake and update through the real graph: the document validated, sex and birth date
// read from the ID number, phone required, household registration kept apart from residence,
// the minor flag, who may register whom, and refusals that write nothing.
import { citizenIdCheckCharacter, personIdFor } from "../../kernel/identity";
import { startTestGraph, type TestGraph } from "../support/graph";
import { refused } from "./helpers";
import type { Viewer } from "../../kernel/auth/viewer";

const REGISTER = `mutation($i: RegisterResidentInput!) { registerResident(input: $i) { id name minor } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateResidentInput!) { updateResident(id: $id, input: $i) { id phone } }`;
const ME = `{ me { id name phone birthDate address householdAddress minor documentType } }`;

/** A valid citizen ID number for a region, birth date (YYYYMMDD) and sequence. */
const citizenId = (region: string, birth: string, seq: string) => region + birth + seq + citizenIdCheckCharacter(region + birth + seq);

describe("resident intake (embedded mode)", () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph("embedded", 40);
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const residents = async () => (await graph.databases["health-code"].sql.query<{ n: number }>("SELECT count(*)::int AS n FROM resident"))[0]!.n;
  const community = () => graph.city.residents[0]!.community;
  const district = () => graph.city.residents[0]!.district;
  const officer = (c = community()): Viewer => ({ role: "COMMUNITY_OFFICER", subject: graph.city.residents[3]!.personId, community: c });
  const idOf = (number: string) => personIdFor({ type: "CITIZEN_ID", number }, graph.secrets.pepper);

  test("an officer registers a child of their community: sex and birth date from the ID number, minor, household address apart", async () => {
    const number = citizenId("110105", "20150307", "124"); // even sequence: F
    const input = { documentNumber: number, name: "李小雨", phone: "+86 138-0013-8000", district: district(), community: community(), addressDetail: "3号楼 2单元", householdDistrict: "河北省保定市", householdAddress: "莲池区 东关街 5号" };
    const res = await graph.query(REGISTER, { i: input }, officer());
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.registerResident).toEqual({ id: idOf(number), name: "李小雨", minor: true });
    const count = await residents();
    expect((await graph.query(REGISTER, { i: input }, officer())).body.data.registerResident.id).toBe(idOf(number));
    expect(await residents()).toBe(count);
    refused(await graph.query(REGISTER, { i: { ...input, name: "李大雨" } }, officer()), "CONFLICT", "ALREADY_REGISTERED");

    const me = await graph.query(ME, {}, { role: "RESIDENT", subject: idOf(number) });
    expect(me.body.errors).toBeUndefined();
    expect(me.body.data.me).toEqual({
      id: idOf(number), name: "李小雨", phone: "13800138000", birthDate: "2015-03-07", documentType: "CITIZEN_ID",
      address: `${district()} ${community()}`, householdAddress: "河北省保定市 莲池区 东关街 5号", minor: true,
    });
    const [row] = await graph.databases["health-code"].sql.query<{ sex: string }>("SELECT sex::text FROM resident WHERE person_id = $1", [idOf(number)]);
    expect(row!.sex).toBe("F");
  });

  test("a resident registers themself; an adult is not a minor", async () => {
    const number = citizenId("110101", "19800101", "013");
    const res = await graph.query(REGISTER, { i: { documentNumber: number, name: "张三", phone: "13900139000", district: district(), community: community() } }, { role: "RESIDENT", subject: idOf(number) });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.registerResident.minor).toBe(false);
  });

  test("bad input is refused with a reason, never echoing the number, and nothing is written", async () => {
    const before = await residents();
    const good = citizenId("110101", "19900307", "215");
    const wrong = good.slice(0, 17) + (good.endsWith("0") ? "1" : "0");
    const base = { name: "王五", phone: "13700137000", district: district(), community: community() };
    const bad = refused(await graph.query(REGISTER, { i: { ...base, documentNumber: wrong } }, officer()), "BAD_USER_INPUT", "ID_CHECK_CHARACTER");
    expect(bad.message).not.toContain(wrong.slice(0, 17));
    refused(await graph.query(REGISTER, { i: { ...base, documentNumber: good, phone: "12345" } }, officer()), "BAD_USER_INPUT", "PHONE_FORMAT");
    refused(await graph.query(REGISTER, { i: { ...base, documentNumber: good, name: "  " } }, officer()), "BAD_USER_INPUT");
    refused(await graph.query(REGISTER, { i: { ...base, documentType: "PASSPORT", documentNumber: "E12345678" } }, officer()), "BAD_USER_INPUT");
    refused(await graph.query(REGISTER, { i: { ...base, documentNumber: good } }, officer("another community")), "FORBIDDEN");
    refused(await graph.query(REGISTER, { i: { ...base, documentNumber: good } }, { role: "RESIDENT", subject: graph.city.residents[5]!.personId }), "FORBIDDEN");
    refused(await graph.query(REGISTER, { i: { ...base, documentNumber: good } }, { role: "SAMPLER", subject: graph.city.residents[5]!.personId, siteId: graph.city.sites[0]!.id }), "FORBIDDEN");
    expect(await residents()).toBe(before);
    const missingPhone = await graph.query(`mutation { registerResident(input: { documentNumber: "${good}", name: "王五", district: "d", community: "c" }) { id } }`, {}, officer());
    expect(missingPhone.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(await residents()).toBe(before);
  });

  test("a passport holder states birth date and sex", async () => {
    const res = await graph.query(REGISTER, { i: { documentType: "PASSPORT", documentNumber: "E12345678", birthDate: "1975-06-01", sex: "M", name: "Anna Li", phone: "13600136000", district: district(), community: community() } }, officer());
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.registerResident.minor).toBe(false);
  });

  test("updates: the resident or their community's officer; others are refused; an unknown id is NOT_FOUND", async () => {
    const r = graph.city.residents[9]!;
    const own = await graph.query(UPDATE, { id: r.personId, i: { phone: "13512345678" } }, { role: "RESIDENT", subject: r.personId });
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data.updateResident.phone).toBe("13512345678");
    refused(await graph.query(UPDATE, { id: r.personId, i: { phone: "13512345679" } }, { role: "RESIDENT", subject: graph.city.residents[10]!.personId }), "FORBIDDEN");
    refused(await graph.query(UPDATE, { id: r.personId, i: { phone: "13512345679" } }, officer(r.community + "x")), "FORBIDDEN");
    refused(await graph.query(UPDATE, { id: r.personId, i: { phone: "1" } }, { role: "RESIDENT", subject: r.personId }), "BAD_USER_INPUT", "PHONE_FORMAT");
    refused(await graph.query(UPDATE, { id: r.personId, i: {} }, { role: "RESIDENT", subject: r.personId }), "BAD_USER_INPUT");
    refused(await graph.query(UPDATE, { id: "nobody", i: { phone: "13512345679" } }, officer()), "NOT_FOUND");
    const moved = await graph.query(UPDATE, { id: r.personId, i: { householdDistrict: "上海市浦东新区", householdAddress: "张江镇" } }, officer(r.community));
    expect(moved.body.errors).toBeUndefined();
  });
});
