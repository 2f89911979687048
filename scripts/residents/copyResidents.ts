// Writes a generated population (population.ts) into a migrated health-code database with COPY
// FROM STDIN (pg-copy-streams): one pass per table, rows produced as the server takes them, so a
// million residents never sit in memory as rows. Person ids are the silo's own pseudonyms
// (personIdFor with the services' pepper), so the running silo and the gateway find them.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { PoolClient } from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { personIdFor } from "../../kernel/identity";
import { detailOf, historyAt, MAX_RESIDENTS, residentAt, type GeneratedResident, type ResidentHistory } from "./population";

export interface SeedOptions {
  count: number;
  pepper: Uint8Array;
  /** Population seed (default 1): the same seed gives the same residents. */
  seed?: number;
  /** The moment the population is generated at (default now): causes and tests are dated before it. */
  now?: number;
  /** Called after each table with its row count and seconds. */
  progress?: (table: string, rows: number, seconds: number) => void;
}

export interface SeedReport {
  residents: number;
  rows: Record<string, number>;
  seconds: number;
}

const BATCH = 2_000;

/** COPY text format: tab-separated, `\N` for null, backslash escapes. */
function field(v: string | number | boolean | Date | null): string {
  if (v === null) return "\\N";
  const s = v instanceof Date ? v.toISOString() : String(v);
  return s.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}
const line = (values: Array<string | number | boolean | Date | null>) => `${values.map(field).join("\t")}\n`;

type Rows = (i: number, history: ResidentHistory, personId: string) => string;

const RESIDENT_COLUMNS = ["person_id", "document_type", "document_number", "name", "phone", "birth_date", "sex", "district", "community", "address_detail", "household_district", "household_address"];
const residentRow = (r: GeneratedResident, personId: string) =>
  line([personId, "CITIZEN_ID", r.idNumber, r.name, r.phone, r.birthDate, r.sex, r.district, r.community, r.addressDetail, r.householdDistrict, r.householdAddress]);

/** The tables after resident (whose rows need the record only), in foreign-key order. */
const HISTORY_TABLES: Array<{ table: string; columns: string[]; rows: Rows }> = [
  {
    table: "status_cause",
    columns: ["id", "person_id", "kind", "detail", "raised_at", "cleared_at", "cleared_reason", "raised_by_role", "evidence_ref", "cleared_by_role"],
    rows: (i, { causes }, personId) =>
      causes
        .map((c) => line([c.id, personId, c.kind, detailOf(c.kind), c.raisedAt, c.clearedAt, c.clearedAt ? "a negative test swabbed after the purchase" : null, c.kind === "POPUP_MEDICINE" ? "FEED" : "EPIDEMIOLOGIST", `generated-${i}`, c.clearedAt ? "RULE" : null]))
        .join(""),
  },
  {
    table: "status_change",
    columns: ["id", "person_id", "at", "from_colour", "to_colour", "change", "cause_id", "cause_kind", "reason", "actor_role"],
    rows: (_i, { changes }, personId) => changes.map((c) => line([c.id, personId, c.at, c.from, c.to, c.change, c.causeId, c.causeKind, c.reason, c.change === "CLEARED" ? "EVENT" : "EPIDEMIOLOGIST"])).join(""),
  },
  {
    table: "test_record",
    columns: ["tube_id", "person_id", "outcome", "pooled", "swabbed_at", "recorded_at"],
    rows: (_i, { tests }, personId) => tests.map((t) => line([t.tubeId, personId, "NEGATIVE", t.pooled, t.swabbedAt, t.recordedAt])).join(""),
  },
];

/** The person id of generated resident `i`'s citizen ID number under `pepper`. */
export function generatedPersonId(idNumber: string, pepper: Uint8Array): string {
  return personIdFor({ type: "CITIZEN_ID", number: idNumber }, pepper);
}

/** COPYs `count` generated residents with their causes, history and tests; refuses a database that already has residents. */
export async function copyResidents(client: PoolClient, o: SeedOptions): Promise<SeedReport> {
  if (!Number.isInteger(o.count) || o.count < 1 || o.count > MAX_RESIDENTS) throw new Error(`count must be a whole number from 1 to ${MAX_RESIDENTS}, got ${o.count}.`);
  const seed = o.seed ?? 1;
  const now = o.now ?? Date.now();
  const { rows: existing } = await client.query<{ n: boolean }>(`SELECT EXISTS (SELECT 1 FROM resident) AS n`);
  if (existing[0]!.n) throw new Error("This database already has residents: seed an empty health-code database (drop and recreate it, or name another).");
  const started = performance.now();
  // Person ids are HMACs: computed once and kept (about 60 MB for a million), not once per table.
  const personIds: string[] = new Array(o.count);
  const report: SeedReport = { residents: o.count, rows: {}, seconds: 0 };
  // A throwaway load: a crash mid-way loses the transaction anyway, so no flush per commit.
  await client.query("SET synchronous_commit = off");
  await client.query("BEGIN");
  // One COPY per table; each pass computes only what its rows need (the record, or the history).
  const copy = async (table: string, columns: string[], rowsOf: (i: number) => string) => {
    const tableStarted = performance.now();
    let rows = 0;
    const chunks = function* () {
      for (let start = 0; start < o.count; start += BATCH) {
        let text = "";
        for (let i = start; i < Math.min(o.count, start + BATCH); i++) {
          const part = rowsOf(i);
          for (let k = 0; k < part.length; k++) if (part.charCodeAt(k) === 10) rows++;
          text += part;
        }
        if (text) yield text;
      }
    };
    await pipeline(Readable.from(chunks()), client.query(copyFrom(`COPY "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) FROM STDIN`)));
    report.rows[table] = rows;
    o.progress?.(table, rows, (performance.now() - tableStarted) / 1000);
  };
  try {
    await copy("resident", RESIDENT_COLUMNS, (i) => {
      const r = residentAt(i, seed);
      return residentRow(r, (personIds[i] = generatedPersonId(r.idNumber, o.pepper)));
    });
    for (const t of HISTORY_TABLES) await copy(t.table, t.columns, (i) => t.rows(i, historyAt(i, seed, now), personIds[i]!));
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
  await client.query("ANALYZE resident, status_cause, status_change, test_record");
  report.seconds = (performance.now() - started) / 1000;
  return report;
}
