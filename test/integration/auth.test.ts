// Authentication and authorisation end to end, in each run mode available on this machine:
// the gateway refuses missing, expired and foreign tokens; every subgraph refuses a request that
// did not come through the gateway (no, forged or expired Viewer header); a wrong role cannot
// mutate and nothing is written; /health and /ready report the graph's state. The readiness test
// stops a subgraph, so it runs last.
import { randomBytes } from "node:crypto";
import { signToken } from "../../kernel/auth/tokens";
import { signViewerHeader, VIEWER_HEADER } from "../../kernel/auth/viewerHeader";
import type { Viewer } from "../../kernel/auth/viewer";
import { SILOS, graphName } from "../../kernel/config/silos";
import { MODES } from "../support/services";
import { postGraphQL, startTestGraph, type GraphResponse, type TestGraph } from "../support/graph";
import { bindStaffEverywhere } from "../support/staff";

const ME = `query { me { id healthCode { colour } } }`;
const PROBE = `query { _service { sdl } }`;
const RECORD = `mutation Record($input: RecordResultInput!) { recordResult(input: $input) { id outcome } }`;
const REGISTER = `mutation Register($input: RegisterSampleInput!) { registerSample(input: $input) { id documentMasked } }`;

/** The response is a refusal with this code only, and carries no data. */
function expectRefused(res: GraphResponse, code: string): void {
  expect(res.body.errors?.length).toBeGreaterThan(0);
  for (const error of res.body.errors!) expect(error.extensions?.code).toBe(code);
  expect(res.body.data ?? null).toBeNull();
}

async function get(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

describe.each(MODES)("authentication and authorisation (%s mode)", (mode) => {
  let graph: TestGraph;

  beforeAll(async () => {
    graph = await startTestGraph(mode);
    await bindStaffEverywhere(graph, graph.city.residents.slice(0, 2).map((r) => r.personId));
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const resident = (): Viewer => ({ role: "RESIDENT", subject: graph.city.residents[0]!.personId });
  const openTube = () => graph.city.tubes.find((t) => t.siteId === graph.city.sites[0]!.id && t.capacity === 10)!.code;
  const count = async (table: "test_result" | "swab") =>
    (await graph.databases.testing.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;

  describe("through the gateway", () => {
    test("a valid token gets data (the refusals below are not a broken graph)", async () => {
      const res = await graph.query(ME, {}, resident());
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.me.id).toBe(resident().subject);
    });

    test("no token: 401 UNAUTHENTICATED, no data", async () => {
      const res = await graph.query(ME);
      expect(res.status).toBe(401);
      expectRefused(res, "UNAUTHENTICATED");
    });

    test("a non-Bearer Authorization header: 401 UNAUTHENTICATED, no data", async () => {
      const res = await postGraphQL(graph.gateway.url, ME, undefined, { authorization: "Basic dXNlcjpwYXNz" });
      expect(res.status).toBe(401);
      expectRefused(res, "UNAUTHENTICATED");
    });

    test("an expired token: 401 UNAUTHENTICATED, no data", async () => {
      const res = await graph.query(ME, {}, await graph.token(resident(), -10));
      expect(res.status).toBe(401);
      expectRefused(res, "UNAUTHENTICATED");
    });

    test("a token signed with another key: 401 UNAUTHENTICATED, no data", async () => {
      const res = await graph.query(ME, {}, await signToken(resident(), randomBytes(32)));
      expect(res.status).toBe(401);
      expectRefused(res, "UNAUTHENTICATED");
    });

    test("a Viewer header presented as a client token: 401 UNAUTHENTICATED", async () => {
      const res = await graph.query(ME, {}, await signViewerHeader(resident(), graph.secrets.viewerKey));
      expect(res.status).toBe(401);
      expectRefused(res, "UNAUTHENTICATED");
    });

    test("a refused mutation writes nothing", async () => {
      const before = await count("test_result");
      const res = await graph.query(RECORD, { input: { tubeCode: openTube(), outcome: "POSITIVE" } });
      expect(res.status).toBe(401);
      expectRefused(res, "UNAUTHENTICATED");
      expect(await count("test_result")).toBe(before);
    });
  });

  describe.each(SILOS)("calling the %s subgraph directly", (silo) => {
    const url = () => graph.subgraphs[silo].url;

    test("a valid Viewer header gets data", async () => {
      const res = await postGraphQL(url(), PROBE, undefined, { [VIEWER_HEADER]: await signViewerHeader(resident(), graph.secrets.viewerKey) });
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      expect(typeof res.body.data._service.sdl).toBe("string");
      expect(res.body.data._service.sdl.length).toBeGreaterThan(0);
    });

    test("no Viewer header: UNAUTHENTICATED, no data", async () => {
      const res = await postGraphQL(url(), PROBE);
      expect(res.status).toBe(401);
      expectRefused(res, "UNAUTHENTICATED");
    });

    test("the client's own bearer token instead of a Viewer header: UNAUTHENTICATED", async () => {
      const res = await postGraphQL(url(), PROBE, undefined, { authorization: `Bearer ${await graph.token(resident())}` });
      expect(res.status).toBe(401);
      expectRefused(res, "UNAUTHENTICATED");
    });

    test("a header signed with another key (forged): UNAUTHENTICATED, no data", async () => {
      const forged = await signViewerHeader({ role: "EPIDEMIOLOGIST", purpose: "forged" }, randomBytes(32));
      const res = await postGraphQL(url(), PROBE, undefined, { [VIEWER_HEADER]: forged });
      expect(res.status).toBe(401);
      expectRefused(res, "UNAUTHENTICATED");
    });

    test("a header replayed after expiry: UNAUTHENTICATED, no data", async () => {
      const expired = await signViewerHeader(resident(), graph.secrets.viewerKey, -5);
      const res = await postGraphQL(url(), PROBE, undefined, { [VIEWER_HEADER]: expired });
      expect(res.status).toBe(401);
      expectRefused(res, "UNAUTHENTICATED");
    });

    test("a client token signed with the token secret is not a Viewer header: UNAUTHENTICATED", async () => {
      const res = await postGraphQL(url(), PROBE, undefined, { [VIEWER_HEADER]: await graph.token(resident()) });
      expect(res.status).toBe(401);
      expectRefused(res, "UNAUTHENTICATED");
    });
  });

  describe("a wrong role cannot mutate, and nothing is written", () => {
    test("a RESIDENT calling recordResult: FORBIDDEN, no result written", async () => {
      const before = { results: await count("test_result"), swabs: await count("swab") };
      const res = await graph.query(RECORD, { input: { tubeCode: openTube(), outcome: "POSITIVE" } }, resident());
      expectRefused(res, "FORBIDDEN");
      expect(await count("test_result")).toBe(before.results);
      expect(await count("swab")).toBe(before.swabs);
    });

    test("a RESIDENT calling registerSample: FORBIDDEN, no swab written", async () => {
      const person = graph.city.residents[3]!;
      const before = { results: await count("test_result"), swabs: await count("swab") };
      const res = await graph.query(REGISTER, { input: { tubeCode: openTube(), documentNumber: person.idNumber } }, { ...resident(), siteId: graph.city.sites[0]!.id });
      expectRefused(res, "FORBIDDEN");
      expect(await count("swab")).toBe(before.swabs);
      expect(await count("test_result")).toBe(before.results);
    });

    test("a SAMPLER calling recordResult and a LAB calling registerSample: FORBIDDEN, nothing written", async () => {
      const site = graph.city.sites[0]!;
      const before = { results: await count("test_result"), swabs: await count("swab") };
      const asSampler = await graph.query(RECORD, { input: { tubeCode: openTube(), outcome: "POSITIVE" } }, { role: "SAMPLER", subject: graph.city.residents[0]!.personId, siteId: site.id });
      expectRefused(asSampler, "FORBIDDEN");
      const asLab = await graph.query(REGISTER, { input: { tubeCode: openTube(), documentNumber: graph.city.residents[4]!.idNumber } }, { role: "LAB", subject: graph.city.residents[1]!.personId, agencyId: site.agencyId });
      expectRefused(asLab, "FORBIDDEN");
      expect(await count("test_result")).toBe(before.results);
      expect(await count("swab")).toBe(before.swabs);
    });
  });

  describe("health and readiness (stops the venues subgraph: keep last)", () => {
    test("/health is 200", async () => {
      const res = await get(new URL("/health", graph.gateway.url).toString());
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: "ok" });
    });

    test("/ready is 200 with every subgraph ready", async () => {
      const res = await get(new URL("/ready", graph.gateway.url).toString());
      expect(res.status).toBe(200);
      expect(res.body.status).toBe("ready");
      const states = (res.body.subgraphs as Array<{ name: string; ready: boolean; breaker?: string }>).map((s) => ({ name: s.name, ready: s.ready, breaker: s.breaker ?? "closed" }));
      expect(states.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
        SILOS.map((s) => ({ name: graphName(s), ready: true, breaker: "closed" })).sort((a, b) => a.name.localeCompare(b.name)),
      );
    });

    test("each subgraph's own /ready is 200", async () => {
      for (const silo of SILOS) expect((await get(new URL("/ready", graph.subgraphs[silo].url).toString())).status).toBe(200);
    });

    test("after the venues subgraph stops, /ready stays 200 (the rest still serves) and names venues degraded", async () => {
      await graph.subgraphs.venues.stop();
      const res = await get(new URL("/ready", graph.gateway.url).toString());
      expect(res.status).toBe(200);
      expect(res.body.status).toBe("degraded");
      expect(res.body.degraded).toEqual(["venues"]);
      const byName = Object.fromEntries((res.body.subgraphs as Array<{ name: string; ready: boolean }>).map((s) => [s.name, s.ready]));
      expect(byName).toEqual({ health_code: true, testing: true, venues: false, appeals: true });
      // /health stays 200: the gateway process itself is alive.
      expect((await get(new URL("/health", graph.gateway.url).toString())).status).toBe(200);

      // Stopping is idempotent: the graph's own stop() in afterAll stops venues again, harmlessly.
      await expect(graph.subgraphs.venues.stop()).resolves.toBeUndefined();
    });
  });
});
