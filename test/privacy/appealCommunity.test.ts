// An appeal's community decides which officer reads the appellant's reason and decides: it comes
// from the person's record in health-code (carried to appeals by StatusChanged), never from the
// appellant. Through the real graph, in each run mode available here.
import type { Viewer } from "../../kernel/auth/viewer";
import type { DemoResident } from "../../kernel/demo/city";
import { MODES } from "../support/services";
import { startTestGraph, type TestGraph } from "../support/graph";
import { waitFor } from "../events/helpers/wait";

const SUBMIT = `mutation Submit($input: SubmitAppealInput!) { submitAppeal(input: $input) { id community status } }`;

describe.each(MODES)("an appeal's community comes from the health-code record (%s mode)", (mode) => {
  let graph: TestGraph;
  let appellant: DemoResident;
  let causeId: string;
  let elsewhere: string;

  beforeAll(async () => {
    graph = await startTestGraph(mode, 40);
    const cause = graph.city.causes[0]!;
    appellant = graph.city.residents.find((r) => r.personId === cause.personId)!;
    elsewhere = graph.city.residents.find((r) => r.community !== appellant.community)!.community;
    const [row] = await graph.databases["health-code"].sql.query<{ id: string }>(`SELECT id FROM status_cause WHERE person_id = $1 AND cleared_at IS NULL LIMIT 1`, [appellant.personId]);
    causeId = row!.id;
    await waitFor("the appellant's community in the appeals replica", async () =>
      (await graph.databases.appeals.sql.query<{ community: string | null }>(`SELECT community FROM cause_replica_person WHERE person_id = $1`, [appellant.personId]))[0]?.community === appellant.community,
    );
  }, 180_000);
  afterAll(async () => {
    await graph?.stop();
  });

  const me = (): Viewer => ({ role: "RESIDENT", subject: appellant.personId });
  const officerOf = (community: string): Viewer => ({ role: "COMMUNITY_OFFICER", subject: graph.city.residents.find((r) => r.personId !== appellant.personId)!.personId, community });
  const appeals = async () => (await graph.databases.appeals.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM appeal`))[0]!.n;

  it("refuses an appeal naming another community, and writes nothing", async () => {
    const before = await appeals();
    const res = await graph.query(SUBMIT, { input: { causeId, community: elsewhere, reason: "Please let the other office decide." } }, me());
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "community" });
    expect(res.body.data?.submitAppeal ?? null).toBeNull();
    expect(await appeals()).toBe(before);
  });

  it("files the appeal under the record's community, which an officer of any other community cannot read or decide", async () => {
    const res = await graph.query(SUBMIT, { input: { causeId, reason: "Wrong pop-up: I was at home." } }, me());
    expect(res.body.errors).toBeUndefined();
    const appeal = res.body.data.submitAppeal;
    expect(appeal.community).toBe(appellant.community);

    const stranger = officerOf(elsewhere);
    const review = await graph.query(`query { appealsToReview { id } }`, {}, stranger);
    expect(review.body.data.appealsToReview.map((a: { id: string }) => a.id)).not.toContain(appeal.id);
    const read = await graph.query(`query($id: ID!) { appeal(id: $id) { id reason } }`, { id: appeal.id }, stranger);
    expect(read.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(JSON.stringify(read.body)).not.toContain("I was at home");
    const decide = await graph.query(`mutation($input: DecideAppealInput!) { decideAppeal(input: $input) { id status } }`, { input: { id: appeal.id, approve: true } }, stranger);
    expect(decide.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const [row] = await graph.databases.appeals.sql.query<{ status: string }>(`SELECT status::text FROM appeal WHERE id = $1`, [appeal.id]);
    expect(row!.status).toBe("SUBMITTED");

    // The record's officer does see it.
    const own = await graph.query(`query { appealsToReview { id } }`, {}, officerOf(appellant.community));
    expect(own.body.data.appealsToReview.map((a: { id: string }) => a.id)).toContain(appeal.id);
  });
});
