// The three vertical slices through the gateway, in each run mode available on this machine:
// (a) a resident's status, latest test and check-ins in one query (three silos joined);
// (b) a sampler registers a person into a tube by ID number, with masked confirmation, and a
//     number with a wrong check character is refused with nothing written;
// (c) a lab records a negative result and the resident's query shows it at once.
import { maskIdNumber, maskName, citizenIdCheckCharacter } from "../../kernel/identity";
import { MODES } from "../support/services";
import { startTestGraph, type TestGraph } from "../support/graph";
import { bindStaffEverywhere } from "../support/staff";
import { deliverBox, openSamplingSession } from "../support/sampling";

const RESIDENT_QUERY = `query Resident {
  me {
    id name
    healthCode { colour label causes { kind } }
    latestTest { status resultAt }
    checkIns(last: 3) { checkedInAt venue { name } }
  }
}`;

const REGISTER = `mutation Register($input: RegisterSampleInput!) {
  registerSample(input: $input) { id documentMasked tube { code } person { id name documentNumber } }
}`;

describe.each(MODES)("vertical slices (%s mode)", (mode) => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph(mode);
    await bindStaffEverywhere(graph, graph.city.residents.slice(0, 2).map((r) => r.personId));
    await openSamplingSession(graph, sampler());
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const medicinePopup = () => {
    const cause = graph.city.causes.find((c) => c.kind === "POPUP_MEDICINE");
    if (!cause) throw new Error("the demo city has no medicine pop-up");
    return graph.city.residents.find((r) => r.personId === cause.personId)!;
  };
  const sampler = () => ({ role: "SAMPLER" as const, subject: graph.city.residents[0]!.personId, siteId: graph.city.sites[0]!.id });
  const lab = () => ({ role: "LAB" as const, subject: graph.city.residents[1]!.personId, agencyId: graph.city.sites[0]!.agencyId });
  const openTube = () => graph.city.tubes.find((t) => t.siteId === graph.city.sites[0]!.id && t.capacity === 10)!.code;

  test("(a) a resident reads status, latest test and recent check-ins in one query", async () => {
    const tested = graph.city.residents.find((r) => graph.city.swabs.some((s) => s.personId === r.personId) && graph.city.checkIns.some((c) => c.personId === r.personId))!;
    const res = await graph.query(RESIDENT_QUERY, {}, { role: "RESIDENT", subject: tested.personId });
    expect(res.body.errors).toBeUndefined();
    const me = res.body.data.me;
    expect(me.id).toBe(tested.personId);
    expect(me.name).toBe(tested.name);
    expect(me.healthCode).toEqual({ colour: "GREEN", label: "未见异常", causes: [] });
    expect(me.latestTest.status).toBe("NEGATIVE");
    const expectedCheckIns = graph.city.checkIns.filter((c) => c.personId === tested.personId).length;
    expect(me.checkIns).toHaveLength(Math.min(3, expectedCheckIns));
    expect(typeof me.checkIns[0].venue.name).toBe("string");
  });

  test("(b) a sampler registers a person by ID number and sees the masked identity", async () => {
    const person = medicinePopup();
    const res = await graph.query(REGISTER, { input: { tubeCode: openTube(), documentNumber: person.idNumber, phone: person.phone } }, sampler());
    expect(res.body.errors).toBeUndefined();
    const swab = res.body.data.registerSample;
    expect(swab.person.id).toBe(person.personId);
    expect(swab.person.name).toBe(maskName(person.name));
    expect(swab.person.documentNumber).toBe(maskIdNumber(person.idNumber));
    expect(swab.person.documentNumber).toMatch(/^\d{2}\*{14}[\dX]{2}$/);
    expect(swab.documentMasked).toBe(maskIdNumber(person.idNumber));
    // A retry (the sampler pressed twice) returns the same swab, not a second one.
    const again = await graph.query(REGISTER, { input: { tubeCode: openTube(), documentNumber: person.idNumber } }, sampler());
    expect(again.body.data.registerSample.id).toBe(swab.id);
  });

  test("(b) a wrong check character is refused with BAD_USER_INPUT and nothing is written", async () => {
    const person = graph.city.residents[5]!;
    const first17 = person.idNumber.slice(0, 17);
    const wrong = citizenIdCheckCharacter(first17) === "0" ? "1" : "0";
    const countSwabs = async () => (await graph.databases.testing.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM swab"))[0]!.n;
    const before = await countSwabs();
    const res = await graph.query(REGISTER, { input: { tubeCode: openTube(), documentNumber: first17 + wrong } }, sampler());
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    const [error] = res.body.errors!;
    expect(error!.extensions!.code).toBe("BAD_USER_INPUT");
    expect(error!.extensions!.reason).toBe("ID_CHECK_CHARACTER");
    expect(error!.message).toMatch(/check character is wrong/);
    expect(JSON.stringify(res.body)).not.toContain(first17);
    expect(await countSwabs()).toBe(before);
  });

  test("(c) a lab records a negative result and the resident sees it at once", async () => {
    const person = medicinePopup();
    const before = await graph.query(RESIDENT_QUERY, {}, { role: "RESIDENT", subject: person.personId });
    expect(before.body.data.me.healthCode.colour).toBe("POPUP");
    expect(before.body.data.me.latestTest.status).toBe("PENDING");
    const box = graph.city.tubes.find((t) => t.code === openTube())!.boxCode;
    await deliverBox(graph, sampler(), lab(), box);
    const recorded = await graph.query(
      `mutation Record($input: RecordResultInput!) { recordResult(input: $input) { outcome recordedAt tube { code } } }`,
      { input: { tubeCode: openTube(), outcome: "NEGATIVE" } },
      lab(),
    );
    expect(recorded.body.errors).toBeUndefined();
    expect(recorded.body.data.recordResult.outcome).toBe("NEGATIVE");
    const after = await graph.query(RESIDENT_QUERY, {}, { role: "RESIDENT", subject: person.personId });
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data.me.latestTest.status).toBe("NEGATIVE");
    expect(after.body.data.me.latestTest.resultAt).toBe(recorded.body.data.recordResult.recordedAt);
    // Seed 004: a negative test after the purchase clears a medicine pop-up automatically.
    expect(after.body.data.me.healthCode.colour).toBe("GREEN");
    expect(after.body.data.me.healthCode.causes.map((c: { kind: string }) => c.kind)).not.toContain("POPUP_MEDICINE");
  });
});
