// A person's latest swabs with their results and sites, and the time of their latest negative
// result, for many persons in one statement. The resident query asks for `latestTest` and (for
// the health-code silo's @requires) `latestNegativeResultAt`: both come from this one read, where
// Prisma's nested include made a chain of four (swab → tube → result, box). A LATERAL subquery
// per person walks the (person_id, swabbed_at) index and stops after `last` rows, and only those
// rows are joined to their tube, box and result (every swab has its tube and box, so the rows are
// the same): swabs registered in one transaction share swabbed_at, and sorting after the joins
// joined every swab of the tie. The latest negative is a max over all the person's swabs, a
// result's time being unrelated to its swab's order (docs/bench.md); each swab's result is looked
// up by its tube (a LATERAL with LIMIT 1, a tube having one result at most), so the work follows
// the person's history and never the whole table: as a plain join, on tables without fresh
// statistics the planner chose a hash join over a scan of all of test_result for every status
// read (docs/bench.md, "The status read at 3,000 residents"). It runs on every
// resident query, so it goes through the kernel's SQL seam (no Prisma per-query work) as a named
// statement each pooled connection prepares once. PostgreSQL still plans it at every call (a custom
// plan knows the key array's length): a generic plan kept per connection was tried and dropped, as
// it is made on the tables as they are at the connection's first calls (docs/bench.md).
// Timestamps (stored without a zone, meaning UTC) are read AT TIME ZONE 'UTC' so the driver never
// reads them in the process's local zone.
import type { Swab, TestOutcome } from "./generated/prisma/client";
import type { Sql } from "../../kernel/db/sql";

/** One of a person's swabs with what a person's test view needs. */
export type PersonSwab = Swab & { siteId: string; outcome: TestOutcome | null; recordedAt: Date | null };

export interface PersonTests {
  /** Most recent first, at most the `last` asked for. */
  swabs: PersonSwab[];
  /** When the person's latest NEGATIVE result was recorded, over all their swabs. */
  latestNegativeAt: Date | null;
}

type Row = Omit<PersonSwab, "id" | "swabbedAt" | "recordedAt"> & {
  key: string;
  id: string | null;
  swabbedAt: Date | string;
  recordedAt: Date | string | null;
  latestNegativeAt: Date | string | null;
};

const asDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

/** The latest `last` swabs and the latest negative result time of each person, in key order. */
const PERSON_TESTS = `
    SELECT k.key, (n.at AT TIME ZONE 'UTC') AS "latestNegativeAt",
           s.id, s.tube_id AS "tubeId", s.person_id AS "personId", s.document_type AS "documentType",
           s.document_masked AS "documentMasked", s.phone, s.sampler_id AS "samplerId", (s.swabbed_at AT TIME ZONE 'UTC') AS "swabbedAt",
           s.site_id AS "siteId", s.outcome::text AS "outcome", (s.recorded_at AT TIME ZONE 'UTC') AS "recordedAt"
    FROM unnest($1::text[]) WITH ORDINALITY AS k(key, ord)
    LEFT JOIN LATERAL (
      SELECT max(r.recorded_at) AS at FROM swab sw
      CROSS JOIN LATERAL (
        SELECT tr.recorded_at FROM test_result tr WHERE tr.tube_id = sw.tube_id AND tr.outcome = 'NEGATIVE' LIMIT 1
      ) r
      WHERE sw.person_id = k.key
    ) n ON true
    LEFT JOIN LATERAL (
      SELECT sw.*, b.site_id, r.outcome, r.recorded_at
      FROM (SELECT * FROM swab WHERE person_id = k.key ORDER BY swabbed_at DESC, id DESC LIMIT $2) sw
      JOIN sample_tube t ON t.id = sw.tube_id
      JOIN transport_box b ON b.id = t.box_id
      LEFT JOIN test_result r ON r.tube_id = sw.tube_id
    ) s ON true
    ORDER BY k.ord, s.swabbed_at DESC, s.id DESC`;

/** The latest `last` swabs and the latest negative result time of each person, in key order. */
export async function loadPersonTests(sql: Sql, keys: readonly string[], last: number): Promise<PersonTests[]> {
  const rows = await sql.query<Row>(PERSON_TESTS, [[...keys], last], { name: "testing_person_tests" });
  const byKey = new Map<string, PersonTests>();
  for (const r of rows) {
    let entry = byKey.get(r.key);
    if (!entry) {
      entry = { swabs: [], latestNegativeAt: r.latestNegativeAt === null ? null : asDate(r.latestNegativeAt) };
      byKey.set(r.key, entry);
    }
    if (r.id === null) continue; // the person has no swabs: the LEFT JOIN's one empty row
    const { key: _key, latestNegativeAt: _n, ...swab } = r;
    entry.swabs.push({ ...swab, id: r.id, swabbedAt: asDate(r.swabbedAt), recordedAt: r.recordedAt === null ? null : asDate(r.recordedAt) });
  }
  return keys.map((k) => byKey.get(k) ?? { swabs: [], latestNegativeAt: null });
}
