// Registration orphans through the real graph (seed 000: a mis-scanned ID number silently lost a
// resident's result). A passport number misread by one adjacent transposition passes validation
// but names nobody: health-code answers the result with RegistrationUnmatched, testing queues the
// registration and asks for residents one misread away, health-code names them (the one whose
// phone matches first), and an officer moves the registration and its result to the right person,
// audited, once. Identifiers stay masked for everyone but an epidemiologist with a case.
import { randomBytes, randomInt } from "node:crypto";
import type { Viewer } from "../../kernel/auth/viewer";
import { citizenIdCheckCharacter, maskIdNumber, maskPhone, personIdFor } from "../../kernel/identity";
import { DEMO_CASE } from "../../kernel/privacy/cases";
import { MODES } from "../support/services";
import { startTestGraph, type TestGraph } from "../support/graph";
import { deliverBox, openSamplingSession } from "../support/sampling";
import { bindStaffEverywhere } from "../support/staff";
import { waitFor } from "../events/helpers/wait";
import { refused } from "../health-code/helpers";

const REGISTER_RESIDENT = `mutation($i: RegisterResidentInput!) { registerResident(input: $i) { id } }`;
const SCAN = `mutation Scan($i: ScanTubeInput!) { scanTube(input: $i) { code } }`;
const BY_ID = `mutation ById($i: RegisterSampleInput!) { registerSample(input: $i) { id } }`;
const RECORD = `mutation($i: RecordResultInput!) { recordResult(input: $i) { outcome } }`;
const QUEUE = `query Q($resolved: Boolean!) { orphanRegistrations(resolved: $resolved) { id tubeCode documentType documentMasked phoneMasked outcome state candidates { rank edit phoneMatch sameSite person { id } } } }`;
const PEOPLE = `query Q { orphanRegistrations { id candidates { person { id name documentNumber } } } }`;
const RESOLVE = `mutation R($id: ID!, $p: ID!) { resolveOrphanRegistration(id: $id, personId: $p) { id state resolvedRole resolvedPerson { id } documentMasked } }`;
const ME = `query Me { me { negativeTest { valid latestNegativeAt } tests { status } } }`;

describe.each(MODES)("registration orphans (%s)", (mode) => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph(mode);
    await bindStaffEverywhere(graph, [sampler().subject!, lab().subject!]);
    await openSamplingSession(graph, sampler());
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const site = () => graph.city.sites[0]!;
  const sampler = (): Viewer => ({ role: "SAMPLER", subject: graph.city.residents[0]!.personId, siteId: site().id });
  const lab = (): Viewer => ({ role: "LAB", subject: graph.city.residents[1]!.personId, agencyId: site().agencyId });
  const officer = (community = site().community): Viewer => ({ role: "COMMUNITY_OFFICER", subject: graph.city.residents[2]!.personId, community });
  const epidemiologist = (): Viewer => ({ role: "EPIDEMIOLOGIST", subject: graph.city.residents[3]!.personId, purpose: DEMO_CASE });
  const passportId = (number: string) => personIdFor({ type: "PASSPORT", number }, graph.secrets.pepper);
  const fresh = (prefix: string) => `${prefix}-${randomBytes(3).toString("hex").toUpperCase()}`;
  const testing = (sql: string, params: unknown[] = []) => graph.databases.testing.sql.query<Record<string, any>>(sql, params);

  /** A passport number with distinct last two digits, its misread (last two swapped) and a decoy one substitution from the misread. */
  function numbers() {
    const body = String(randomInt(100000, 999999));
    const [a, b] = [randomInt(0, 5), randomInt(5, 10)];
    const right = `E${body}${a}${b}`;
    const scanned = `E${body}${b}${a}`;
    const decoy = `E${body}${b}${(a + 1) % 10 === b ? (a + 2) % 10 : (a + 1) % 10}`;
    return { right, scanned, decoy };
  }

  async function resident(number: string, phone: string): Promise<string> {
    const res = await graph.query(REGISTER_RESIDENT, { i: { documentType: "PASSPORT", documentNumber: number, name: "Ivan Petrov", phone, birthDate: "1990-04-02", sex: "M", district: site().district, community: site().community } }, officer());
    expect(res.body.errors).toBeUndefined();
    return res.body.data.registerResident.id;
  }

  /** Registers `scanned` into a new single tube, delivers it and records `outcome`; returns the tube code. */
  async function misregister(scanned: string, phone: string, outcome = "NEGATIVE"): Promise<string> {
    const [box, tube] = [fresh("B-ORPH"), fresh("T-ORPH")];
    expect((await graph.query(SCAN, { i: { boxCode: box, tubeCode: tube, poolSize: 1 } }, sampler())).body.errors).toBeUndefined();
    expect((await graph.query(BY_ID, { i: { tubeCode: tube, documentType: "PASSPORT", documentNumber: scanned, phone } }, sampler())).body.errors).toBeUndefined();
    await deliverBox(graph, sampler(), lab(), box);
    expect((await graph.query(RECORD, { i: { tubeCode: tube, outcome } }, lab())).body.errors).toBeUndefined();
    return tube;
  }

  async function queued(tube: string, viewer: Viewer = lab()) {
    let found: any;
    await waitFor(`the orphan of ${tube} with candidates`, async () => {
      const res = await graph.query(QUEUE, { resolved: false }, viewer);
      found = res.body.data?.orphanRegistrations.find((o: { tubeCode: string; state: string }) => o.tubeCode === tube && o.state === "OPEN");
      return found !== undefined;
    }, 60_000, 200);
    return found;
  }

  test("a misread number lands in the queue, masked, with the resident whose phone matches first; the number is kept encrypted", async () => {
    const { right, scanned, decoy } = numbers();
    const phone = `139${String(randomInt(10_000_000, 99_999_999))}`;
    const rightId = await resident(right, phone);
    const decoyId = await resident(decoy, "13700137000");
    expect(rightId).toBe(passportId(right));
    const tube = await misregister(scanned, phone);

    // Kept encrypted, never in clear, while the orphan waits.
    const kept = await testing(`SELECT d.sealed FROM registration_document d JOIN swab s ON s.id = d.swab_id JOIN sample_tube t ON t.id = s.tube_id WHERE t.code = $1`, [tube]);
    expect(kept).toHaveLength(1);
    expect(kept[0]!.sealed).not.toContain(scanned);
    expect(kept[0]!.sealed).not.toContain(scanned.slice(1));

    const orphan = await queued(tube);
    expect(orphan).toMatchObject({ tubeCode: tube, documentType: "PASSPORT", documentMasked: maskIdNumber(scanned), phoneMasked: maskPhone(phone), outcome: "NEGATIVE" });
    expect(orphan.candidates.map((c: { person: { id: string } }) => c.person.id)).toEqual([rightId, decoyId]);
    expect(orphan.candidates[0]).toMatchObject({ rank: 1, edit: "TRANSPOSITION", phoneMatch: true, sameSite: true });
    expect(orphan.candidates[1]).toMatchObject({ rank: 2, edit: "SUBSTITUTION", phoneMatch: false });
    // No response carries the scanned number or the phone in clear.
    const raw = JSON.stringify(await graph.query(QUEUE, { resolved: false }, lab()));
    expect(raw).not.toContain(scanned);
    expect(raw).not.toContain(phone);

    // Candidates' identities by the policy table: denied to a lab, masked to an officer, full only to an epidemiologist with a case.
    const asLab = await graph.query(PEOPLE, {}, lab());
    const labView = asLab.body.data.orphanRegistrations.find((o: { id: string }) => o.id === orphan.id);
    expect(labView.candidates[0].person.name).toBeNull();
    expect(labView.candidates[0].person.documentNumber).toBeNull();
    const asOfficer = (await graph.query(PEOPLE, {}, officer())).body.data.orphanRegistrations.find((o: { id: string }) => o.id === orphan.id);
    expect(asOfficer.candidates[0].person.documentNumber).toBe(maskIdNumber(right));
    const asEpi = (await graph.query(PEOPLE, {}, epidemiologist())).body.data.orphanRegistrations.find((o: { id: string }) => o.id === orphan.id);
    expect(asEpi.candidates[0].person.documentNumber).toBe(right);
  });

  test("seed 000 with an ID card: a body digit pair swapped (check character consistent) finds the resident", async () => {
    const [a, b] = [randomInt(0, 5), randomInt(5, 10)];
    const mid = String(randomInt(0, 10));
    const rightBody = `11010519870315${mid}${a}${b}`;
    const scannedBody = `11010519870315${mid}${b}${a}`;
    const [right, scanned] = [rightBody + citizenIdCheckCharacter(rightBody), scannedBody + citizenIdCheckCharacter(scannedBody)];
    const phone = `133${String(randomInt(10_000_000, 99_999_999))}`;
    const res = await graph.query(REGISTER_RESIDENT, { i: { documentNumber: right, name: "王小明", phone, district: site().district, community: site().community } }, officer());
    expect(res.body.errors).toBeUndefined();
    const [box, tube] = [fresh("B-ORPH"), fresh("T-ORPH")];
    await graph.query(SCAN, { i: { boxCode: box, tubeCode: tube, poolSize: 1 } }, sampler());
    expect((await graph.query(BY_ID, { i: { tubeCode: tube, documentNumber: scanned, phone } }, sampler())).body.errors).toBeUndefined();
    await deliverBox(graph, sampler(), lab(), box);
    await graph.query(RECORD, { i: { tubeCode: tube, outcome: "NEGATIVE" } }, lab());
    const orphan = await queued(tube);
    expect(orphan.documentType).toBe("CITIZEN_ID");
    expect(orphan.candidates[0]).toMatchObject({ rank: 1, edit: "TRANSPOSITION", phoneMatch: true, person: { id: personIdFor({ type: "CITIZEN_ID", number: right }, graph.secrets.pepper) } });
  });

  test("only the agency's lab, the site's officer or the CDC may resolve; a wrong person is refused; nothing changes on refusal", async () => {
    const { right, scanned } = numbers();
    const phone = `138${String(randomInt(10_000_000, 99_999_999))}`;
    const rightId = await resident(right, phone);
    const tube = await misregister(scanned, phone);
    const orphan = await queued(tube);
    const swabPerson = async () => (await testing(`SELECT s.person_id FROM swab s JOIN sample_tube t ON t.id = s.tube_id WHERE t.code = $1`, [tube]))[0]!.person_id;
    const before = await swabPerson();
    expect(before).toBe(passportId(scanned));

    refused(await graph.query(RESOLVE, { id: orphan.id, p: rightId }, sampler()), "FORBIDDEN");
    refused(await graph.query(RESOLVE, { id: orphan.id, p: rightId }, { role: "RESIDENT", subject: rightId }), "FORBIDDEN");
    refused(await graph.query(RESOLVE, { id: orphan.id, p: rightId }, { role: "AUDITOR", subject: graph.city.residents[4]!.personId }), "FORBIDDEN");
    const otherAgency = graph.city.agencies.find((a) => a.id !== site().agencyId)!.id;
    refused(await graph.query(RESOLVE, { id: orphan.id, p: rightId }, { ...lab(), agencyId: otherAgency }), "NOT_FOUND", "UNKNOWN_ORPHAN");
    const otherCommunity = graph.city.residents.find((r) => r.community !== site().community)!.community;
    refused(await graph.query(RESOLVE, { id: orphan.id, p: rightId }, officer(otherCommunity)), "NOT_FOUND", "UNKNOWN_ORPHAN");
    refused(await graph.query(RESOLVE, { id: orphan.id, p: rightId }, { role: "LAB", subject: graph.city.residents[5]!.personId, agencyId: site().agencyId }), "FORBIDDEN", "NOT_BOUND_TO_AGENCY");
    refused(await graph.query(RESOLVE, { id: orphan.id, p: graph.city.residents[6]!.personId }, lab()), "BAD_USER_INPUT", "NOT_A_CANDIDATE");
    refused(await graph.query(RESOLVE, { id: "not-an-id", p: rightId }, lab()), "NOT_FOUND", "UNKNOWN_ORPHAN");
    expect(await swabPerson()).toBe(before);
    expect((await testing(`SELECT count(*)::int AS n FROM custody_step c JOIN sample_tube t ON t.id = c.tube_id WHERE t.code = $1 AND c.step = 'REGISTRATION_MATCHED'`, [tube]))[0]!.n).toBe(0);
  });

  test("resolution moves the registration and its result to the resident (tests and status see it), audited once; a retry changes nothing; the number is purged", async () => {
    const { right, scanned, decoy } = numbers();
    const phone = `136${String(randomInt(10_000_000, 99_999_999))}`;
    const rightId = await resident(right, phone);
    const decoyId = await resident(decoy, "13600136000");
    const me = async () => (await graph.query(ME, {}, { role: "RESIDENT", subject: rightId })).body.data.me;
    expect((await me()).negativeTest.valid).toBe(false);
    const tube = await misregister(scanned, phone);
    const orphan = await queued(tube, officer());

    const first = await graph.query(RESOLVE, { id: orphan.id, p: rightId }, officer());
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.resolveOrphanRegistration).toEqual({ id: orphan.id, state: "RESOLVED", resolvedRole: "COMMUNITY_OFFICER", resolvedPerson: { id: rightId }, documentMasked: maskIdNumber(right) });
    // The testing silo's own reads see it at once.
    const now = await me();
    expect(now.negativeTest.valid).toBe(true);
    expect(now.tests.map((t: { status: string }) => t.status)).toContain("NEGATIVE");
    // Audited as a custody step of the tube (who, when); the scanned number is gone.
    const steps = async () => testing(`SELECT c.actor_role, c.actor_id FROM custody_step c JOIN sample_tube t ON t.id = c.tube_id WHERE t.code = $1 AND c.step = 'REGISTRATION_MATCHED'`, [tube]);
    expect(await steps()).toEqual([{ actor_role: "COMMUNITY_OFFICER", actor_id: officer().subject }]);
    expect(await testing(`SELECT 1 FROM registration_document d JOIN swab s ON s.id = d.swab_id JOIN sample_tube t ON t.id = s.tube_id WHERE t.code = $1`, [tube])).toHaveLength(0);
    // health-code records the result for the resident (its status inputs), from RegistrationMatched.
    await waitFor("health-code's test record of the resident", async () =>
      (await graph.databases["health-code"].sql.query(`SELECT 1 FROM test_record WHERE person_id = $1 AND outcome = 'NEGATIVE'`, [rightId])).length === 1, 60_000, 200);

    const events = async () => (await testing(`SELECT count(*)::int AS n FROM outbox_event WHERE type = 'RegistrationMatched' AND payload->>'tubeId' = (SELECT id FROM sample_tube WHERE code = $1)`, [tube]))[0]!.n;
    expect(await events()).toBe(1);
    const again = await graph.query(RESOLVE, { id: orphan.id, p: rightId }, lab());
    expect(again.body.data.resolveOrphanRegistration).toEqual(first.body.data.resolveOrphanRegistration);
    expect(await steps()).toHaveLength(1);
    expect(await events()).toBe(1);
    refused(await graph.query(RESOLVE, { id: orphan.id, p: decoyId }, officer()), "CONFLICT", "ORPHAN_RESOLVED");
    const open = (await graph.query(QUEUE, { resolved: false }, lab())).body.data.orphanRegistrations;
    expect(open.some((o: { id: string }) => o.id === orphan.id)).toBe(false);
    const done = (await graph.query(QUEUE, { resolved: true }, lab())).body.data.orphanRegistrations;
    expect(done.find((o: { id: string }) => o.id === orphan.id).state).toBe("RESOLVED");
  });

  test("a misread duplicate of a person already in the same tube resolves onto their own registration: the duplicate goes, no second result, a retry changes nothing", async () => {
    const { right, scanned } = numbers();
    const phone = `137${String(randomInt(10_000_000, 99_999_999))}`;
    const rightId = await resident(right, phone);
    const [box, tube] = [fresh("B-ORPH"), fresh("T-ORPH")];
    expect((await graph.query(SCAN, { i: { boxCode: box, tubeCode: tube, poolSize: 5 } }, sampler())).body.errors).toBeUndefined();
    // The desk registers the person, then scans them again and misreads the number.
    expect((await graph.query(BY_ID, { i: { tubeCode: tube, documentType: "PASSPORT", documentNumber: right, phone } }, sampler())).body.errors).toBeUndefined();
    expect((await graph.query(BY_ID, { i: { tubeCode: tube, documentType: "PASSPORT", documentNumber: scanned, phone } }, sampler())).body.errors).toBeUndefined();
    await deliverBox(graph, sampler(), lab(), box);
    expect((await graph.query(RECORD, { i: { tubeCode: tube, outcome: "NEGATIVE" } }, lab())).body.errors).toBeUndefined();
    const orphan = await queued(tube);
    expect(orphan.candidates[0].person.id).toBe(rightId);
    const swabs = async () => (await testing(`SELECT s.person_id FROM swab s JOIN sample_tube t ON t.id = s.tube_id WHERE t.code = $1 ORDER BY s.person_id`, [tube])).map((r) => r.person_id);
    expect(await swabs()).toEqual([passportId(right), passportId(scanned)].sort());

    const first = await graph.query(RESOLVE, { id: orphan.id, p: rightId }, lab());
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.resolveOrphanRegistration).toEqual({ id: orphan.id, state: "RESOLVED", resolvedRole: "LAB", resolvedPerson: { id: rightId }, documentMasked: maskIdNumber(right) });
    expect(await swabs()).toEqual([rightId]);
    const matched = async () => (await testing(`SELECT count(*)::int AS n FROM outbox_event WHERE type = 'RegistrationMatched' AND payload->>'tubeId' = (SELECT id FROM sample_tube WHERE code = $1)`, [tube]))[0]!.n;
    expect(await matched()).toBe(0);
    const steps = async () => (await testing(`SELECT count(*)::int AS n FROM custody_step c JOIN sample_tube t ON t.id = c.tube_id WHERE t.code = $1 AND c.step = 'REGISTRATION_MATCHED'`, [tube]))[0]!.n;
    expect(await steps()).toBe(1);
    expect(await testing(`SELECT 1 FROM registration_document d WHERE d.swab_id NOT IN (SELECT id FROM swab)`)).toHaveLength(0);
    const again = await graph.query(RESOLVE, { id: orphan.id, p: rightId }, lab());
    expect(again.body.data.resolveOrphanRegistration).toEqual(first.body.data.resolveOrphanRegistration);
    expect(await steps()).toBe(1);
    expect(await swabs()).toEqual([rightId]);
  });

  test("a registration of a resident never enters the queue; an expired orphan leaves it and its number is purged", async () => {
    const p = graph.city.residents[10]!;
    const [box, tube] = [fresh("B-ORPH"), fresh("T-ORPH")];
    await graph.query(SCAN, { i: { boxCode: box, tubeCode: tube, poolSize: 1 } }, sampler());
    expect((await graph.query(BY_ID, { i: { tubeCode: tube, documentNumber: p.idNumber, phone: p.phone } }, sampler())).body.errors).toBeUndefined();
    await deliverBox(graph, sampler(), lab(), box);
    await graph.query(RECORD, { i: { tubeCode: tube, outcome: "NEGATIVE" } }, lab());
    await waitFor("health-code's test record", async () => (await graph.databases["health-code"].sql.query(`SELECT 1 FROM test_record WHERE person_id = $1 AND tube_id = (SELECT $2::text)`, [p.personId, (await testing(`SELECT id FROM sample_tube WHERE code = $1`, [tube]))[0]!.id])).length === 1, 60_000, 200);
    expect(await testing(`SELECT 1 FROM orphan_registration o JOIN sample_tube t ON t.id = o.tube_id WHERE t.code = $1`, [tube])).toHaveLength(0);

    const { right, scanned } = numbers();
    const phone = `135${String(randomInt(10_000_000, 99_999_999))}`;
    await resident(right, phone);
    const orphanTube = await misregister(scanned, phone);
    const orphan = await queued(orphanTube);
    // The retention window passes.
    await testing(`UPDATE orphan_registration SET expires_at = now() - interval '1 second' WHERE id = $1::uuid`, [orphan.id]);
    await testing(`UPDATE registration_document SET expires_at = now() - interval '1 second' WHERE swab_id = (SELECT swab_id FROM orphan_registration WHERE id = $1::uuid)`, [orphan.id]);
    const open = (await graph.query(QUEUE, { resolved: false }, lab())).body.data.orphanRegistrations;
    expect(open.some((o: { id: string }) => o.id === orphan.id)).toBe(false);
    refused(await graph.query(RESOLVE, { id: orphan.id, p: passportId(right) }, lab()), "CONFLICT", "ORPHAN_EXPIRED");
    await waitFor("the expired number purged", async () => {
      await graph.query(QUEUE, { resolved: false }, lab());
      return (await testing(`SELECT 1 FROM registration_document WHERE swab_id = (SELECT swab_id FROM orphan_registration WHERE id = $1::uuid)`, [orphan.id])).length === 0;
    }, 10_000, 200);
  });
});
