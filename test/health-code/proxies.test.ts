// Proxy look-ups through the real graph (seed 002/003): an adult ward bound after face
// verification, a child by household register without face verification (and said plainly when
// nothing is known of them), 他人代查 with the other adult's consent, and every binding without
// verification refused with nothing written. The HTTP provider client against a real HTTP server.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { citizenIdCheckCharacter, personIdFor } from "../../kernel/identity";
import { startTestGraph, type TestGraph } from "../support/graph";
import { quietResidents, refused, residentOf } from "./helpers";
import { DEMO_FACE_MATCH, httpFaceVerifier } from "../../subgraphs/health-code/proxies/faceVerifier";
import type { Viewer } from "../../kernel/auth/viewer";

const BIND = `mutation($i: BindWardInput!) { bindWard(input: $i) { id relation method verified known notice ward { id healthCode { colour } } } }`;
const LOOKUPS = `{ proxyLookups { id method verified known notice ward { id } } }`;
const REQUEST = `mutation($i: RequestLookupInput!) { requestLookup(input: $i) { id verified notice ward { id } } }`;
const ANSWER = `mutation($id: ID!, $c: Boolean!) { answerLookup(requestId: $id, consent: $c) { id consented requesterMaskedName } }`;
const citizenId = (region: string, birth: string, seq: string) => region + birth + seq + citizenIdCheckCharacter(region + birth + seq);

describe("proxy look-ups (embedded mode)", () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph("embedded", 100);
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const bindings = async () => (await graph.databases["health-code"].sql.query<{ n: number }>("SELECT count(*)::int AS n FROM proxy_binding"))[0]!.n;
  const adult = (i: number) => quietResidents(graph).filter((r) => r.birthDate < "2000-01-01")[i]!;
  const guardianOf = (i: number): Viewer => ({ role: "GUARDIAN", subject: adult(i).personId });

  test("an adult ward is bound only after face verification; a failed or missing one binds nothing", async () => {
    const ward = adult(1);
    const input = { documentNumber: ward.idNumber, name: ward.name, relation: "PARENT" };
    const before = await bindings();
    refused(await graph.query(BIND, { i: input }, guardianOf(0)), "BAD_USER_INPUT", "FACE_VERIFICATION_REQUIRED");
    refused(await graph.query(BIND, { i: { ...input, faceToken: "someone-else" } }, guardianOf(0)), "FORBIDDEN", "FACE_NOT_MATCHED");
    refused(await graph.query(BIND, { i: { ...input, name: "不对", faceToken: DEMO_FACE_MATCH } }, guardianOf(0)), "BAD_USER_INPUT", "NAME_MISMATCH");
    refused(await graph.query(BIND, { i: { ...input, faceToken: DEMO_FACE_MATCH } }, residentOf(adult(0))), "FORBIDDEN");
    expect(await bindings()).toBe(before);
    const ok = await graph.query(BIND, { i: { ...input, faceToken: DEMO_FACE_MATCH } }, guardianOf(0));
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.bindWard).toMatchObject({ relation: "PARENT", method: "FACE", verified: true, known: true, notice: null, ward: { id: ward.personId, healthCode: { colour: "GREEN" } } });
    // A retry binds nothing new.
    await graph.query(BIND, { i: { ...input, faceToken: DEMO_FACE_MATCH } }, guardianOf(0));
    expect(await bindings()).toBe(before + 1);
  });

  test("a child is bound by household register, never forced through face verification, and an unknown child is said so plainly", async () => {
    const child = citizenId("110105", "20180611", "031");
    const before = await bindings();
    refused(await graph.query(BIND, { i: { documentNumber: child, name: "刘小宝", relation: "CHILD" } }, guardianOf(2)), "BAD_USER_INPUT", "HOUSEHOLD_REGISTER_REQUIRED");
    expect(await bindings()).toBe(before);
    const ok = await graph.query(BIND, { i: { documentNumber: child, name: "刘小宝", relation: "CHILD", householdRegisterRef: "HR-110105-0042" } }, guardianOf(2));
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.bindWard).toMatchObject({ method: "HOUSEHOLD_REGISTER", verified: true, known: false, ward: null });
    expect(ok.body.data.bindWard.notice).toContain("暂不掌握被查人防疫相关健康状态情况");
    const listed = await graph.query(LOOKUPS, {}, guardianOf(2));
    expect(listed.body.errors).toBeUndefined();
    expect(listed.body.data.proxyLookups).toEqual([{ id: ok.body.data.bindWard.id, method: "HOUSEHOLD_REGISTER", verified: true, known: false, notice: ok.body.data.bindWard.notice, ward: null }]);
    // An adult the health code does not know cannot be bound at all.
    refused(await graph.query(BIND, { i: { documentNumber: citizenId("110105", "19700611", "031"), name: "某人", relation: "PARENT", faceToken: DEMO_FACE_MATCH } }, guardianOf(2)), "NOT_FOUND", "WARD_UNKNOWN");
  });

  test("他人代查: the requester passes face verification, and the other adult's consent makes the look-up work", async () => {
    const [asker, other] = [adult(3), adult(4)];
    const guardian: Viewer = { role: "GUARDIAN", subject: asker.personId };
    refused(await graph.query(REQUEST, { i: { documentNumber: other.idNumber, faceToken: "wrong" } }, guardian), "FORBIDDEN", "FACE_NOT_MATCHED");
    const req = await graph.query(REQUEST, { i: { documentNumber: other.idNumber, faceToken: DEMO_FACE_MATCH } }, guardian);
    expect(req.body.errors).toBeUndefined();
    expect(req.body.data.requestLookup).toMatchObject({ verified: false, ward: null });
    // Before consent the guardian sees nothing of the other adult.
    const early = await graph.query(`query($id: ID!) { person(id: $id) { healthCode { colour } } }`, { id: other.personId }, guardian);
    expect(early.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const pending = await graph.query(`{ lookupRequests { id consented requesterMaskedName } }`, {}, residentOf(other));
    expect(pending.body.data.lookupRequests).toEqual([{ id: req.body.data.requestLookup.id, consented: false, requesterMaskedName: expect.stringMatching(/\*/) }]);
    refused(await graph.query(ANSWER, { id: req.body.data.requestLookup.id, c: true }, residentOf(adult(5))), "NOT_FOUND");
    const yes = await graph.query(ANSWER, { id: req.body.data.requestLookup.id, c: true }, residentOf(other));
    expect(yes.body.data.answerLookup.consented).toBe(true);
    const after = await graph.query(`query($id: ID!) { person(id: $id) { healthCode { colour } } }`, { id: other.personId }, guardian);
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data.person.healthCode.colour).toBe("GREEN");
  });

  test("the HTTP provider client: a match, a mismatch, and an outage as SERVICE_UNAVAILABLE", async () => {
    const seen: unknown[] = [];
    let status = 200;
    const server: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        seen.push({ auth: req.headers.authorization, body: JSON.parse(body) });
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify({ matched: JSON.parse(body).faceToken === "live-ok", reference: "prov-77" }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/verify`;
      const client = httpFaceVerifier(url, { apiKey: "k1" });
      const check = { documentType: "CITIZEN_ID", documentNumber: "x", name: "y" };
      expect(await client.verify({ ...check, faceToken: "live-ok" })).toEqual({ matched: true, reference: "prov-77" });
      expect((await client.verify({ ...check, faceToken: "nope" })).matched).toBe(false);
      expect(seen[0]).toEqual({ auth: "Bearer k1", body: { ...check, faceToken: "live-ok" } });
      status = 503;
      await expect(client.verify({ ...check, faceToken: "live-ok" })).rejects.toMatchObject({ extensions: { code: "SERVICE_UNAVAILABLE" } });
      await expect(httpFaceVerifier("http://127.0.0.1:1/verify", { timeoutMs: 500 }).verify({ ...check, faceToken: "a" })).rejects.toMatchObject({ extensions: { code: "SERVICE_UNAVAILABLE" } });
    } finally {
      server.close();
    }
  });

  test("personIdFor agrees with the graph's ids (the tests' ward ids are the silo's)", () => {
    const a = adult(1);
    expect(personIdFor({ type: "CITIZEN_ID", number: a.idNumber }, graph.secrets.pepper)).toBe(a.personId);
  });
});
