// Causes as data through the real graph: who may raise and clear each kind, the clearing rules'
// happy paths and refusals, progress text, and the status history each change writes.
import { MODES } from "../support/services";
import { idFor } from "../support/entityIds";
import { startTestGraph, type TestGraph } from "../support/graph";
import { waitFor } from "../events/helpers/wait";
import type { DemoResident } from "../../kernel/demo/city";
import { cdc, officerOf, quietResidents, recordsOf, refused, residentOf, swab } from "./helpers";

const RAISE = `mutation Raise($i: RaiseCauseInput!) { raiseCause(input: $i) { id kind colour raisedByRole evidenceRef clearedAt } }`;
const CLEAR = `mutation Clear($i: ClearCauseInput!) { clearCause(input: $i) { id clearedAt clearedReason } }`;
const STEP = `mutation Step($i: ClearingStepInput!) { recordClearingStep(input: $i) { id progress { stepsDone stepsMissing } } }`;
const ME = `{ me { healthCode { colour causes { id kind howToClear progress { satisfied overdue text negativeTests negativeTestsNeeded nextTestFrom stepsMissing } } }
  statusHistory { from to change causeKind reason actorRole } } }`;
const HOUR = 3_600_000;

describe.each(MODES)("health-code causes (%s mode)", (mode) => {
  let graph: TestGraph;
  let people: DemoResident[];
  beforeAll(async () => {
    graph = await startTestGraph(mode, 100);
    people = quietResidents(graph);
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const hc = <T>(sql: string, params: unknown[] = []) => graph.databases["health-code"].sql.query<T>(sql, params);
  const causeRows = async () => (await hc<{ n: number }>("SELECT count(*)::int AS n FROM status_cause"))[0]!.n;
  const historyRows = async () => (await hc<{ n: number }>("SELECT count(*)::int AS n FROM status_change"))[0]!.n;
  const me = async (p: DemoResident) => {
    const res = await graph.query(ME, {}, residentOf(p));
    expect(res.body.errors).toBeUndefined();
    return res.body.data.me;
  };
  const raise = (p: DemoResident, kind: string, evidenceRef = `case-${kind}`, viewer = cdc(graph)) =>
    graph.query(RAISE, { i: { personId: p.personId, kind, detail: `Test cause ${kind}`, evidenceRef } }, viewer);

  test("the CDC raises a RED cause and clears it; each change is in the history, a retry duplicates nothing", async () => {
    const p = people[0]!;
    const first = await raise(p, "CENTRAL_QUARANTINE");
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.raiseCause).toMatchObject({ kind: "CENTRAL_QUARANTINE", colour: "RED", raisedByRole: "EPIDEMIOLOGIST", evidenceRef: "case-CENTRAL_QUARANTINE", clearedAt: null });
    const causes = await causeRows();
    const retry = await raise(p, "CENTRAL_QUARANTINE");
    expect(retry.body.data.raiseCause.id).toBe(first.body.data.raiseCause.id);
    expect(await causeRows()).toBe(causes);
    expect((await me(p)).healthCode.colour).toBe("RED");

    const cleared = await graph.query(CLEAR, { i: { causeId: first.body.data.raiseCause.id, reason: "quarantine ended" } }, cdc(graph));
    expect(cleared.body.errors).toBeUndefined();
    expect(cleared.body.data.clearCause.clearedReason).toBe("quarantine ended");
    const after = await me(p);
    expect(after.healthCode.colour).toBe("GREEN");
    // Newest first; the resident sees the role, never the officer's id (null with FORBIDDEN).
    expect(after.statusHistory.map((h: { from: string; to: string; change: string }) => [h.from, h.to, h.change])).toEqual([["RED", "GREEN", "CLEARED"], ["GREEN", "RED", "RAISED"]]);
    expect(after.statusHistory[1]).toEqual({ from: "GREEN", to: "RED", change: "RAISED", causeKind: "CENTRAL_QUARANTINE", reason: "Test cause CENTRAL_QUARANTINE", actorRole: "EPIDEMIOLOGIST" });
    const hidden = await graph.query(`{ me { statusHistory { actorId } } }`, {}, residentOf(p));
    expect(hidden.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(hidden.body.data.me.statusHistory[0].actorId).toBeNull();
    // Another resident may not read this person's history at all.
    const stranger = await graph.query(`query($id: ID!) { person(id: $id) { statusHistory { to } } }`, { id: p.personId }, residentOf(people[7]!));
    expect(stranger.body.data?.person?.statusHistory ?? null).toBeNull();
    expect(stranger.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    // An auditor sees the same history, under the auditors' own ids for the person and the actor.
    const auditor = { role: "AUDITOR" as const, subject: graph.city.residents[4]!.personId };
    const audit = await graph.query(`query($id: ID!) { person(id: $id) { statusHistory { to actorId } } }`, { id: idFor(graph, auditor, "Person", p.personId) }, auditor);
    expect(audit.body.errors).toBeUndefined();
    const actor = idFor(graph, auditor, "Person", cdc(graph).subject!);
    expect(actor).not.toBe(cdc(graph).subject);
    expect(audit.body.data.person.statusHistory.map((h: { actorId: string }) => h.actorId)).toEqual([actor, actor]);
    // Clearing again is a no-op that returns the cleared cause.
    const histories = await historyRows();
    const again = await graph.query(CLEAR, { i: { causeId: first.body.data.raiseCause.id, reason: "again" } }, cdc(graph));
    expect(again.body.data.clearCause.clearedAt).toBe(cleared.body.data.clearCause.clearedAt);
    expect(await historyRows()).toBe(histories);
  });

  test("roles the kind does not allow are refused, and nothing is written", async () => {
    const p = people[1]!;
    const officer = officerOf(graph, p.community);
    const before = await causeRows();
    refused(await raise(p, "CENTRAL_QUARANTINE", "x", officer), "FORBIDDEN");
    refused(await raise(p, "POOLED_POSITIVE", "x"), "FORBIDDEN");
    refused(await raise(p, "HOME_OBSERVATION", "x", officerOf(graph, "another community")), "FORBIDDEN");
    refused(await raise(p, "HOME_OBSERVATION", "x", residentOf(p)), "FORBIDDEN");
    refused(await graph.query(RAISE, { i: { personId: "no-such-person", kind: "CASE", detail: "d", evidenceRef: "e" } }, cdc(graph)), "NOT_FOUND");
    refused(await graph.query(RAISE, { i: { personId: p.personId, kind: "CASE", detail: "   ", evidenceRef: "e" } }, cdc(graph)), "BAD_USER_INPUT");
    // A purpose that names no open case refuses the mutation before it runs: no cause, no history.
    const histories = await historyRows();
    for (const purpose of ["case management", " ", "CASE-2099-0001"]) {
      refused(await raise(p, "CASE", "trace-9", { ...cdc(graph), purpose }), "BAD_USER_INPUT");
    }
    expect(await historyRows()).toBe(histories);
    expect(await causeRows()).toBe(before);

    // A community officer may raise and clear YELLOW in their own community; a RED cause only the CDC clears.
    const yellow = await raise(p, "HOME_OBSERVATION", "community-notice-1", officer);
    expect(yellow.body.errors).toBeUndefined();
    expect((await me(p)).healthCode.colour).toBe("YELLOW");
    const red = await raise(p, "CLOSE_CONTACT", "trace-7");
    expect((await me(p)).healthCode.colour).toBe("RED");
    refused(await graph.query(CLEAR, { i: { causeId: red.body.data.raiseCause.id, reason: "done" } }, officer), "FORBIDDEN");
    refused(await graph.query(CLEAR, { i: { causeId: "00000000-0000-0000-0000-000000000000", reason: "done" } }, cdc(graph)), "NOT_FOUND");
    expect((await graph.query(CLEAR, { i: { causeId: yellow.body.data.raiseCause.id, reason: "observation ended" } }, officer)).body.errors).toBeUndefined();
    expect((await me(p)).healthCode.colour).toBe("RED");
  });

  test("a travel pop-up clears only after two negative tests 24 hours apart, the community's report and the commitment letter", async () => {
    const p = people[2]!;
    const officer = officerOf(graph, p.community);
    const raised = await raise(p, "POPUP_TRAVEL", "itinerary-2201", officer);
    expect(raised.body.errors).toBeUndefined();
    const causeId = raised.body.data.raiseCause.id as string;
    // The trip was reported 30 hours ago (the cause's own row, as if raised then).
    await hc(`UPDATE status_cause SET raised_at = $2::timestamp WHERE id = $1`, [causeId, new Date(Date.now() - 30 * HOUR).toISOString()]);
    const progress = async () => (await me(p)).healthCode.causes.find((c: { id: string }) => c.id === causeId).progress;
    expect(await progress()).toMatchObject({ satisfied: false, negativeTests: 0, negativeTestsNeeded: 2 });

    const tube1 = await swab(graph, [p], { pooled: false, outcome: "NEGATIVE", swabbedAt: new Date(Date.now() - 2 * HOUR) });
    await waitFor("the first result in health-code", async () => (await recordsOf(graph, tube1)) > 0);
    const one = await progress();
    expect(one).toMatchObject({ satisfied: false, negativeTests: 1 });
    expect(one.text).toMatch(/^1 of 2 negative tests; the next from \d\d:\d\d (today|tomorrow); still needed: your community's report and a signed commitment letter\.$/);
    expect(new Date(one.nextTestFrom).getTime()).toBeGreaterThan(Date.now() + 21 * HOUR);
    const refusal = refused(await graph.query(CLEAR, { i: { causeId, reason: "cleared" } }, officer), "CONFLICT", "CLEARING_RULE_NOT_MET");
    expect(refusal.message).toContain("1 of 2 negative tests");

    const tube2 = await swab(graph, [p], { pooled: true, outcome: "NEGATIVE", swabbedAt: new Date(Date.now() - 29 * HOUR) });
    await waitFor("the second result in health-code", async () => (await recordsOf(graph, tube2)) > 0);
    expect(await progress()).toMatchObject({ negativeTests: 2, satisfied: false, stepsMissing: ["COMMUNITY_REPORT", "COMMITMENT_LETTER"] });
    refused(await graph.query(CLEAR, { i: { causeId, reason: "cleared" } }, officer), "CONFLICT", "CLEARING_RULE_NOT_MET");

    const report = await graph.query(STEP, { i: { causeId, step: "COMMUNITY_REPORT", evidenceRef: "jxxz-5531" } }, officer);
    expect(report.body.errors).toBeUndefined();
    expect(report.body.data.recordClearingStep.progress).toEqual({ stepsDone: ["COMMUNITY_REPORT"], stepsMissing: ["COMMITMENT_LETTER"] });
    refused(await graph.query(STEP, { i: { causeId, step: "COMMITMENT_LETTER", evidenceRef: "letter-1" } }, officerOf(graph, "another community")), "FORBIDDEN");
    expect((await graph.query(STEP, { i: { causeId, step: "COMMITMENT_LETTER", evidenceRef: "letter-1" } }, officer)).body.errors).toBeUndefined();
    expect((await progress()).satisfied).toBe(true);
    refused(await graph.query(CLEAR, { i: { causeId, reason: "cleared" } }, cdc(graph)), "FORBIDDEN");
    const cleared = await graph.query(CLEAR, { i: { causeId, reason: "two negatives, report and letter", evidenceRef: "letter-1" } }, officer);
    expect(cleared.body.errors).toBeUndefined();
    expect((await me(p)).healthCode.colour).toBe("GREEN");
    refused(await graph.query(STEP, { i: { causeId, step: "COMMUNITY_REPORT", evidenceRef: "late" } }, officer), "CONFLICT", "ALREADY_CLEARED");
  });

  test("a step the kind's rule does not have is refused", async () => {
    const p = people[3]!;
    const red = await raise(p, "CASE", "case-31");
    refused(await graph.query(STEP, { i: { causeId: red.body.data.raiseCause.id, step: "COMMITMENT_LETTER", evidenceRef: "l" } }, officerOf(graph, p.community)), "BAD_USER_INPUT", "NO_SUCH_STEP");
  });

  test("a medicine pop-up says when its test is due, is flagged overdue after 72 hours, and a later negative clears it by itself", async () => {
    const p = people[4]!;
    const raised = await raise(p, "POPUP_MEDICINE", "pharmacy-row-9");
    const causeId = raised.body.data.raiseCause.id as string;
    const progress = async () => (await me(p)).healthCode.causes.find((c: { id: string }) => c.id === causeId)?.progress;
    expect(await progress()).toMatchObject({ overdue: false, satisfied: false });
    expect((await progress()).text).toMatch(/^Take a test by \d\d:\d\d on \d+ \w+; a negative result clears this automatically\.$/);
    refused(await graph.query(CLEAR, { i: { causeId, reason: "x" } }, cdc(graph)), "FORBIDDEN");
    await hc(`UPDATE status_cause SET raised_at = $2::timestamp WHERE id = $1`, [causeId, new Date(Date.now() - 80 * HOUR).toISOString()]);
    expect(await progress()).toMatchObject({ overdue: true });
    // A negative swabbed before the purchase does not count; one after it clears the cause.
    const before = await swab(graph, [p], { pooled: true, outcome: "NEGATIVE", swabbedAt: new Date(Date.now() - 90 * HOUR) });
    await waitFor("the earlier result in health-code", async () => (await recordsOf(graph, before)) > 0);
    expect((await hc<{ cleared_at: Date | null }>(`SELECT cleared_at FROM status_cause WHERE id = $1`, [causeId]))[0]!.cleared_at).toBeNull();
    await swab(graph, [p], { pooled: true, outcome: "NEGATIVE", swabbedAt: new Date(Date.now() - HOUR) });
    await waitFor("the medicine pop-up to clear", async () => (await hc<{ c: string | null }>(`SELECT cleared_reason AS c FROM status_cause WHERE id = $1`, [causeId]))[0]!.c !== null);
    const after = await me(p);
    expect(after.healthCode.colour).toBe("GREEN");
    expect(after.statusHistory[0]).toMatchObject({ from: "POPUP", to: "GREEN", change: "CLEARED", causeKind: "POPUP_MEDICINE", actorRole: null });
  });

  test("a positive pooled tube raises POOLED_POSITIVE for each person in it; a negative single-tube retest clears it, a pooled negative does not", async () => {
    const [a, b] = [people[5]!, people[6]!];
    const tube = await swab(graph, [a, b], { pooled: true, outcome: "POSITIVE", swabbedAt: new Date(Date.now() - 3 * HOUR) });
    await waitFor("pooled-positive pop-ups", async () => (await me(a)).healthCode.colour === "POPUP" && (await me(b)).healthCode.colour === "POPUP");
    expect((await me(a)).healthCode.causes.map((c: { kind: string }) => c.kind)).toEqual(["POOLED_POSITIVE"]);
    expect(await recordsOf(graph, tube)).toBe(2);
    const pooledRetest = await swab(graph, [a], { pooled: true, outcome: "NEGATIVE", swabbedAt: new Date(Date.now() + 60_000) });
    await waitFor("the pooled retest in health-code", async () => (await recordsOf(graph, pooledRetest)) > 0);
    expect((await me(a)).healthCode.colour).toBe("POPUP");
    await swab(graph, [a], { pooled: false, outcome: "NEGATIVE", swabbedAt: new Date(Date.now() + 120_000) });
    await waitFor("the single-tube retest to clear the pop-up", async () => (await me(a)).healthCode.colour === "GREEN");
    expect((await me(b)).healthCode.colour).toBe("POPUP");
  });

  test("an unknown person is NOT_FOUND, not a bare null", async () => {
    refused(await graph.query(`{ person(id: "nobody") { id } }`, {}, cdc(graph)), "NOT_FOUND");
  });
});
