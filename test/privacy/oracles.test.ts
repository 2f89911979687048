// Oracles closed: registration is a look-up of an ID number, so it answers only inside the
// sampler's open session at their own site, at most LOOKUPS_PER_MINUTE a minute, and every attempt
// is logged for auditors; registrars see only their own registers. Both run modes.
import type { Viewer } from "../../kernel/auth/viewer";
import { LOOKUPS_PER_MINUTE } from "../../subgraphs/testing/sessions";
import { MODES } from "../support/services";
import { startTestGraph, type TestGraph } from "../support/graph";
import { bindStaffEverywhere } from "../support/staff";
import { idFor } from "../support/entityIds";

const REGISTER = `mutation Register($input: RegisterSampleInput!) { registerSample(input: $input) { id person { name } } }`;

describe.each(MODES)("oracles (%s mode)", (mode) => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph(mode, 40);
    // Staff bindings are enforced: the residents who act as samplers and labs here are bound.
    await bindStaffEverywhere(graph, graph.city.residents.map((r) => r.personId));
  }, 240_000);
  afterAll(async () => {
    await graph?.stop();
  });

  const samplerAt = (siteIndex: number, who: number): Viewer => ({ role: "SAMPLER", subject: graph.city.residents[who]!.personId, siteId: graph.city.sites[siteIndex]!.id });
  const tubeAt = (siteIndex: number) => graph.city.tubes.find((t) => t.siteId === graph.city.sites[siteIndex]!.id)!.code;
  const swabs = async () => (await graph.databases.testing.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM swab`))[0]!.n;
  const lookups = async (samplerId: string) =>
    graph.databases.testing.sql.query<{ outcome: string; person_id: string }>(`SELECT outcome, person_id FROM sample_lookup WHERE sampler_id = $1 ORDER BY at, id`, [samplerId]);

  it("answers nothing outside an open session, writes nothing, and logs the attempt", async () => {
    const sampler = samplerAt(0, 1);
    const person = graph.city.residents[20]!;
    const before = await swabs();
    const res = await graph.query(REGISTER, { input: { tubeCode: tubeAt(0), documentNumber: person.idNumber } }, sampler);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", reason: "NO_SAMPLING_SESSION" });
    expect(JSON.stringify(res.body)).not.toContain(person.name.slice(1));
    expect(await swabs()).toBe(before);
    expect(await lookups(sampler.subject!)).toEqual([{ outcome: "NO_SESSION", person_id: person.personId }]);
  });

  it("a session is the sampler's at their own site: a session opened at another site does not count", async () => {
    const elsewhere = samplerAt(1, 2);
    expect((await graph.query(`mutation { openSamplingSession(hours: 1) { id site { id } } }`, {}, elsewhere)).body.data.openSamplingSession.site.id).toBe(graph.city.sites[1]!.id);
    const here = samplerAt(0, 2); // the same person, now signed in at site 0
    const res = await graph.query(REGISTER, { input: { tubeCode: tubeAt(0), documentNumber: graph.city.residents[21]!.idNumber } }, here);
    expect(res.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("inside a session it registers, up to the per-minute limit, then RATE_LIMITED with nothing written", async () => {
    const sampler = samplerAt(0, 3);
    await graph.query(`mutation { openSamplingSession(hours: 1) { id } }`, {}, sampler);
    const person = graph.city.residents[22]!;
    const first = await graph.query(REGISTER, { input: { tubeCode: tubeAt(0), documentNumber: person.idNumber, phone: person.phone } }, sampler);
    expect(first.body.errors).toBeUndefined();
    // Retries of the same registration are look-ups too: they count toward the limit.
    for (let i = 1; i < LOOKUPS_PER_MINUTE; i++) expect((await graph.query(REGISTER, { input: { tubeCode: tubeAt(0), documentNumber: person.idNumber } }, sampler)).body.errors).toBeUndefined();
    const before = await swabs();
    const over = await graph.query(REGISTER, { input: { tubeCode: tubeAt(0), documentNumber: graph.city.residents[23]!.idNumber } }, sampler);
    expect(over.body.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
    expect(JSON.stringify(over.body)).not.toContain(graph.city.residents[23]!.name.slice(1));
    expect(await swabs()).toBe(before);
    const log = await lookups(sampler.subject!);
    expect(log.filter((l) => l.outcome === "ADMITTED")).toHaveLength(LOOKUPS_PER_MINUTE);
    expect(log.at(-1)).toEqual({ outcome: "RATE_LIMITED", person_id: graph.city.residents[23]!.personId });
  });

  it("auditors read the look-up log under their own ids; the log cannot be changed", async () => {
    const auditor: Viewer = { role: "AUDITOR", subject: graph.city.residents[30]!.personId };
    const res = await graph.query(`query { disclosureAudit { sampleLookups(last: 1000) { samplerId personId outcome site { id } } } }`, {}, auditor);
    expect(res.body.errors).toBeUndefined();
    const rows = res.body.data.disclosureAudit.sampleLookups as Array<{ samplerId: string; personId: string; outcome: string }>;
    expect(rows).toContainEqual(expect.objectContaining({ samplerId: idFor(graph, auditor, "Person", graph.city.residents[1]!.personId), personId: idFor(graph, auditor, "Person", graph.city.residents[20]!.personId), outcome: "NO_SESSION" }));
    expect(rows.some((r) => r.personId === graph.city.residents[20]!.personId)).toBe(false);
    const denied = await graph.query(`query { disclosureAudit { sampleLookups { outcome } } }`, {}, { role: "EPIDEMIOLOGIST", subject: graph.city.residents[31]!.personId });
    expect(denied.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    await expect(graph.databases.testing.sql.query(`DELETE FROM sample_lookup`)).rejects.toThrow(/append-only/);
  });

  it("a registrar sees only their own registers, at their venue or any other", async () => {
    const register = graph.city.registers[0]!;
    const registrar: Viewer = { role: "REGISTRAR", subject: register.registrarId, venueIds: [register.venueId] };
    for (const venue of graph.city.venues) {
      const res = await graph.query(`query($id: ID!) { venue(id: $id) { registers { id code } } }`, { id: venue.id }, registrar);
      expect(res.body.errors).toBeUndefined();
      const own = graph.city.registers.filter((r) => r.venueId === venue.id && r.registrarId === register.registrarId).map((r) => r.id).sort();
      const listed = res.body.data.venue.registers as Array<{ id: string; code: string | null }>;
      expect(listed.map((r) => r.id).sort()).toEqual(own);
      // Their own registers come with their signed codes (venues signs them; the demo city's plain codes are not used).
      expect(listed.every((r) => typeof r.code === "string" && r.code.length > 0)).toBe(true);
    }
    const others = graph.city.registers.filter((r) => r.registrarId !== register.registrarId);
    expect(others.length).toBeGreaterThan(0); // there were other registers to hide
  });
});
