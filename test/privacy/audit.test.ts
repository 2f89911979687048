// The audit log of full disclosures: written for every full view of another person's data (and
// only then), readable by auditors alone, append-only in the database itself, and fail-closed:
// if the record cannot be written, the data is not sent.
import { DEMO_CASE } from "../../kernel/privacy/cases";
import type { Viewer } from "../../kernel/auth/viewer";
import { startTestGraph, type TestGraph } from "../support/graph";
import { internalIdOf } from "../support/entityIds";

let graph: TestGraph;
const AUDIT = `query Audit { disclosureAudit { healthCode(last: 1000) { personId viewerId role purpose fields operation } testing(last: 1000) { personId role fields } } }`;

/** The audit log as an auditor reads it, with the auditor's ids turned back into internal keys to compare. */
async function auditRecords() {
  const auditor: Viewer = { role: "AUDITOR", subject: graph.city.residents[0]!.personId };
  const res = await graph.query(AUDIT, {}, auditor);
  expect(res.body.errors).toBeUndefined();
  const internal = (r: any) => ({ ...r, personId: internalIdOf(graph, auditor, "Person", r.personId), ...("viewerId" in r ? { viewerId: internalIdOf(graph, auditor, "Person", r.viewerId) } : {}) });
  const log = res.body.data.disclosureAudit as { healthCode: any[]; testing: any[] };
  return { healthCode: log.healthCode.map(internal), testing: log.testing.map(internal) };
}

beforeAll(async () => {
  graph = await startTestGraph("embedded", 40);
});
afterAll(async () => {
  await graph?.stop();
});

describe("disclosure audit log", () => {
  it("records an epidemiologist's full view: who, role, purpose, which person, which fields, which operation", async () => {
    const target = graph.city.residents[7]!;
    const epi: Viewer = { role: "EPIDEMIOLOGIST", subject: graph.city.residents[2]!.personId, purpose: DEMO_CASE };
    const res = await graph.query(`query Trace($id: ID!) { person(id: $id) { name phone } }`, { id: target.personId }, epi);
    expect(res.body.data.person.name).toBe(target.name);
    const { healthCode } = await auditRecords();
    expect(healthCode).toContainEqual({
      personId: target.personId,
      viewerId: epi.subject,
      role: "EPIDEMIOLOGIST",
      purpose: DEMO_CASE,
      fields: ["Person.name", "Person.phone"],
      operation: "Trace",
    });
  });

  it("records an officer's view of a resident of their community (full and masked fields told apart), and nothing for own views", async () => {
    const before = (await auditRecords()).healthCode.length;
    const me = graph.city.residents[4]!;
    await graph.query(`query { me { name documentNumber phone } }`, {}, { role: "RESIDENT", subject: me.personId });
    expect((await auditRecords()).healthCode.length).toBe(before);
    const target = graph.city.residents[9]!;
    const officer: Viewer = { role: "COMMUNITY_OFFICER", subject: me.personId, community: target.community };
    const res = await graph.query(`query Call { person(id: "${target.personId}") { name phone documentNumber } }`, {}, officer);
    expect(res.body.data.person.name).toBe(target.name);
    const after = (await auditRecords()).healthCode;
    expect(after.length).toBe(before + 1);
    expect(after[after.length - 1]).toMatchObject({ personId: target.personId, role: "COMMUNITY_OFFICER", fields: ["Person.documentNumber:MASKED", "Person.name", "Person.phone"] });
  });

  it("records masked and pseudonymous reads of another person too, so an auditor's own trail is reviewable", async () => {
    const target = graph.city.residents[8]!;
    const masked = await graph.query(`query Masked { person(id: "${target.personId}") { name documentNumber } }`, {}, { role: "EPIDEMIOLOGIST", subject: graph.city.residents[4]!.personId });
    expect(masked.body.errors).toBeUndefined();
    const auditor: Viewer = { role: "AUDITOR", subject: graph.city.residents[5]!.personId };
    // The auditor reaches the person through a tube's swabs (auditors' ids are their own, see auditorIds.test.ts).
    const [swab] = await graph.databases.testing.sql.query<{ code: string; person_id: string }>(`SELECT t.code, s.person_id FROM swab s JOIN sample_tube t ON t.id = s.tube_id ORDER BY s.id LIMIT 1`);
    const seen = await graph.query(`query Look($code: String!) { tube(code: $code) { swabs { person { name birthDate } } } }`, { code: swab!.code }, auditor);
    expect(seen.body.errors).toBeUndefined();
    const { healthCode } = await auditRecords();
    expect(healthCode).toContainEqual(expect.objectContaining({ personId: target.personId, role: "EPIDEMIOLOGIST", fields: ["Person.documentNumber:MASKED", "Person.name:MASKED"], operation: "Masked" }));
    expect(healthCode).toContainEqual(expect.objectContaining({ personId: swab!.person_id, viewerId: auditor.subject, role: "AUDITOR", fields: ["Person.birthDate:GENERALISED", "Person.name:PSEUDONYM"], operation: "Look" }));
  });

  it("records full views made by the testing silo in its own log", async () => {
    const rows = await graph.databases.testing.sql.query<{ code: string }>(`SELECT t.code FROM sample_tube t JOIN swab s ON s.tube_id = t.id LIMIT 1`);
    const res = await graph.query(`query Tube($code: String!) { tube(code: $code) { swabs { documentMasked } } }`, { code: rows[0]!.code }, { role: "EPIDEMIOLOGIST", subject: graph.city.residents[2]!.personId, purpose: DEMO_CASE });
    expect(res.body.errors).toBeUndefined();
    const { testing } = await auditRecords();
    expect(testing.some((r) => r.role === "EPIDEMIOLOGIST" && r.fields.includes("Swab.documentMasked"))).toBe(true);
  });

  it("is readable by auditors only", async () => {
    for (const role of ["EPIDEMIOLOGIST", "COMMUNITY_OFFICER", "RESIDENT"] as const) {
      const res = await graph.query(AUDIT, {}, { role, subject: graph.city.residents[1]!.personId, community: "x" });
      expect(res.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(res.body.data ?? null).toBeNull();
    }
  });

  it("cannot be changed or deleted, through the API or in the database", async () => {
    const sdl = (await graph.query(`query { __schema { mutationType { fields { name } } } }`, {}, { role: "AUDITOR" })).body.data.__schema.mutationType.fields.map((f: { name: string }) => f.name);
    expect(sdl.filter((n: string) => /audit/i.test(n))).toEqual([]);
    for (const silo of ["health-code", "testing"] as const) {
      const db = graph.databases[silo].sql;
      await expect(db.query(`UPDATE disclosure_audit SET purpose = 'rewritten'`)).rejects.toThrow(/append-only/);
      await expect(db.query(`DELETE FROM disclosure_audit`)).rejects.toThrow(/append-only/);
      await expect(db.query(`TRUNCATE disclosure_audit`)).rejects.toThrow(/append-only/);
    }
    expect((await auditRecords()).healthCode.length).toBeGreaterThan(0);
  });

  it("withholds the data when the record cannot be written", async () => {
    const db = graph.databases["health-code"].sql;
    await db.query(`ALTER TABLE disclosure_audit RENAME TO disclosure_audit_away`);
    try {
      const target = graph.city.residents[7]!;
      const res = await graph.query(`query { person(id: "${target.personId}") { name phone } }`, {}, { role: "EPIDEMIOLOGIST", subject: graph.city.residents[2]!.personId, purpose: DEMO_CASE });
      expect(JSON.stringify(res.body)).not.toContain(target.name);
      expect(JSON.stringify(res.body)).not.toContain(target.phone);
      expect(res.body.errors?.some((e) => e.extensions?.code === "AUDIT_UNAVAILABLE")).toBe(true);
    } finally {
      await db.query(`ALTER TABLE disclosure_audit_away RENAME TO disclosure_audit`);
    }
  });
});
