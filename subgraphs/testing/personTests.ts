// A person's latest swabs with their results and sites, and the time of their latest negative
// result, for many persons in one statement. The resident query asks for `latestTest` and (for
// the health-code silo's @requires) `latestNegativeResultAt`: both come from this one read, where
// Prisma's nested include made a chain of four (swab → tube → result, box). It runs on every
// status read, so it goes through the kernel's SQL seam (no Prisma per-query work), and the query
// itself is the database function `person_tests` (migration 20261127090000_person_tests_function,
// where its shape is explained): PL/pgSQL keeps its one generic plan per connection, where the
// same query as a named statement was planned again at every call and planning was most of its
// cost (docs/bench.md, "The status read's plan kept per connection"). The call is still a named
// statement, which each pooled connection prepares once.
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

/** The latest `last` swabs and the latest negative result time of each person, in key order (the function's own order). */
const PERSON_TESTS = `SELECT * FROM person_tests($1::text[], $2::int)`;

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
