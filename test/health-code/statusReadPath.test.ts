// The status look-up is the hottest query of the system, so its cost in health-code is pinned
// here: through the real gateway, the SQL statements health-code's database receives for one
// look-up are recorded (services mode: every statement a pg client sends to that database), and
// each must be a read by an indexed key, never a scan that grows with the population.
import { Client } from "pg";
import { MODES } from "../support/services";
import { startTestGraph, type TestGraph } from "../support/graph";
import type { Viewer } from "../../kernel/auth/viewer";
import { entityKeyring } from "../../kernel/privacy/entityKeys";

const SERVICES = MODES.includes("services");
const STATUS = `{ me { healthCode { colour label causes { kind raisedAt howToClear } } } }`;
const BY_ID = `query($id: ID!) { person(id: $id) { healthCode { colour label } } }`;

(SERVICES ? describe : describe.skip)("status look-up: the statements health-code runs (services mode)", () => {
  let graph: TestGraph;
  let database: string;
  const seen: string[] = [];
  const original = Client.prototype.query;

  beforeAll(async () => {
    graph = await startTestGraph("services", 80);
    database = (await graph.databases["health-code"].sql.query<{ db: string }>("SELECT current_database() AS db"))[0]!.db;
    // Every statement any pg client of this process sends to health-code's database.
    Client.prototype.query = function (this: Client & { database?: string }, ...args: any[]) {
      const text = typeof args[0] === "string" ? args[0] : args[0]?.text;
      if (this.database === database && typeof text === "string") seen.push(text);
      return (original as any).apply(this, args);
    } as typeof Client.prototype.query;
  });
  afterAll(async () => {
    Client.prototype.query = original;
    await graph?.stop();
  });

  /** The audit writes of the last request (a read of another person's status is audited, issue 10). */
  let audits: string[] = [];

  /** The statements of one request, relay and consumer traffic left out, the audit write apart. */
  async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
    await run(); // warm: plans, caches and keys are not what is measured
    seen.length = 0;
    await run();
    const own = seen
      .filter((s) => !/outbox_event|processed_event|event_receipt|consumer_position|pg_notify|LISTEN|advisory|^\s*(BEGIN|COMMIT)\s*$/i.test(s))
      .map((s) => s.replace(/\s+/g, " ").trim());
    audits = own.filter((s) => /^INSERT INTO disclosure_audit/.test(s));
    return own.filter((s) => !/^INSERT INTO disclosure_audit/.test(s));
  }

  /** The table a recorded statement reads (Prisma's quoted form or the plain SQL of hotReads.ts). */
  const tableOf = (s: string) => /(?:FROM|INTO) (?:"public"\.)?"?(\w+)"?/.exec(s)?.[1] ?? s;

  /** The plan of a recorded statement with its parameters bound, sequential scans priced out (one connection). */
  async function planOf(statement: string, params: unknown[]): Promise<string> {
    return graph.databases["health-code"].sql.transaction(async (tx) => {
      await tx.query("SET LOCAL enable_seqscan = off");
      const rows = await tx.query<{ "QUERY PLAN": string }>(`EXPLAIN (COSTS OFF) ${statement}`, params);
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
  }

  test("a resident's own status with its causes: one read of the resident and one of the open causes, both by index", async () => {
    const withCause = graph.city.residents.find((r) => graph.city.causes.some((c) => c.personId === r.personId))!;
    const viewer: Viewer = { role: "RESIDENT", subject: withCause.personId };
    const statements = await statementsOf(async () => {
      const res = await graph.query(STATUS, {}, viewer);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.me.healthCode.causes.length).toBeGreaterThan(0);
    });
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/FROM resident WHERE person_id = ANY\(\$1::text\[\]\)/);
    expect(statements[1]).toMatch(/FROM status_cause WHERE person_id = ANY\(\$1::text\[\]\) AND cleared_at IS NULL/);
    // Forced off sequential scans, the planner still answers by index: an index exists that fits.
    for (const s of statements) {
      const plan = await planOf(s, [[withCause.personId]]);
      expect(plan).toMatch(/Index (Only )?Scan|Bitmap Index Scan/);
      expect(plan).not.toMatch(/Seq Scan/);
    }
    // Open causes only are fetched: cleared_at is in the index, not a filter over the person's history.
    const causesPlan = await planOf(statements[1]!, [[withCause.personId]]);
    expect(causesPlan).toMatch(/Index Cond: .*cleared_at IS NULL/);
  });

  test("an app's look-up of a person's colour (by its own audience's id): the same two reads, and one audit write", async () => {
    const person = graph.city.residents[10]!;
    const app: Viewer = { role: "APP", subject: "status-gate", scopes: ["persons:read", "status:read"] };
    const id = entityKeyring(graph.secrets.pepper).encode("app", "Person", person.personId);
    const statements = await statementsOf(async () => {
      const res = await graph.query(BY_ID, { id }, app);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.person.healthCode.colour).toMatch(/GREEN|YELLOW|RED|POPUP/);
    });
    expect(statements.map((s) => tableOf(s))).toEqual(["resident", "status_cause"]);
    // And the read is audited in one write.
    expect(audits).toHaveLength(1);
  });

  test("a community officer's look-up: the scope check and the person share one batched resident read per subgraph request", async () => {
    const person = graph.city.residents.find((r) => graph.city.causes.some((c) => c.personId === r.personId))!;
    const officer: Viewer = { role: "COMMUNITY_OFFICER", subject: graph.city.residents[3]!.personId, community: person.community };
    const statements = await statementsOf(async () => {
      const res = await graph.query(`query($id: ID!) { person(id: $id) { healthCode { colour causes { kind } } } }`, { id: person.personId }, officer);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.person.healthCode.causes.length).toBeGreaterThan(0);
    });
    const tables = statements.map((s) => tableOf(s));
    // person(id:) reads the resident once (scope and record); the entity fetch of healthCode
    // reads it again for its own scope check, then the open causes.
    expect(tables).toEqual(["resident", "resident", "status_cause"]);
    expect(audits).toHaveLength(1);
  });

  test("a registrar's visitors with their colours (seed 003's door check): all visitors' causes in one statement", async () => {
    // Aliased root fields would be planned as one entity fetch per alias; a list is one fetch,
    // so this is where the subgraph's DataLoaders must batch.
    const busiest = graph.city.registers
      .map((r) => ({ r, visitors: new Set(graph.city.checkIns.filter((c) => c.registerId === r.id).map((c) => c.personId)) }))
      .sort((a, b) => b.visitors.size - a.visitors.size)[0]!;
    expect(busiest.visitors.size).toBeGreaterThan(3);
    const registrar: Viewer = { role: "REGISTRAR", subject: busiest.r.registrarId, venueIds: [busiest.r.venueId] };
    let colours = 0;
    const statements = await statementsOf(async () => {
      const res = await graph.query(`{ myRegisters { checkIns(last: 50) { person { healthCode { colour } } } } }`, {}, registrar);
      expect(res.body.errors).toBeUndefined();
      colours = res.body.data.myRegisters.flatMap((r: any) => r.checkIns).filter((c: any) => /GREEN|YELLOW|RED|POPUP/.test(c.person.healthCode.colour)).length;
    });
    expect(colours).toBeGreaterThan(3);
    expect(statements).toHaveLength(1);
    // One statement for every visitor: their ids travel as one array parameter.
    expect(statements[0]).toMatch(/FROM status_cause WHERE person_id = ANY\(\$1::text\[\]\)/);
    // Every visitor's colour read is audited, in one multi-row write.
    expect(audits).toHaveLength(1);
    expect(audits[0]!.match(/::uuid/g)!.length).toBeGreaterThan(3);
  });
});
