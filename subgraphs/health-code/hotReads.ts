// The two reads of every status look-up (the resident query's `me` and its @requires fetch) in
// plain SQL through the kernel's seam: the same rows as Prisma's findMany, without Prisma's
// per-query work, and as named statements that each pooled connection prepares once.
// Timestamps are stored without a time zone and mean UTC: they are read AT TIME ZONE 'UTC' so the
// driver never reads them in the process's local zone; a DATE comes back as UTC midnight, as
// Prisma returns it.
import type { Resident, StatusCause } from "./generated/prisma/client";
import type { Sql } from "../../kernel/db/sql";

const RESIDENTS = `
  SELECT person_id AS "personId", document_type::text AS "documentType", document_number AS "documentNumber", name, phone,
         (birth_date::timestamp AT TIME ZONE 'UTC') AS "birthDate", sex::text AS sex, district, community,
         address_detail AS "addressDetail", household_district AS "householdDistrict", household_address AS "householdAddress",
         (created_at AT TIME ZONE 'UTC') AS "createdAt", (updated_at AT TIME ZONE 'UTC') AS "updatedAt"
  FROM resident WHERE person_id = ANY($1::text[])`;

const OPEN_CAUSES = `
  SELECT id, person_id AS "personId", kind::text AS kind, detail, (raised_at AT TIME ZONE 'UTC') AS "raisedAt",
         (cleared_at AT TIME ZONE 'UTC') AS "clearedAt", cleared_reason AS "clearedReason", raised_by_role AS "raisedByRole",
         raised_by AS "raisedBy", evidence_ref AS "evidenceRef", cleared_by_role AS "clearedByRole", cleared_by AS "clearedBy"
  FROM status_cause WHERE person_id = ANY($1::text[]) AND cleared_at IS NULL
  ORDER BY raised_at ASC, id ASC`;

const asDate = (v: Date | string | null): Date | null => (v === null ? null : v instanceof Date ? v : new Date(v));

/** The residents with these person ids (in no particular order). */
export async function readResidents(sql: Sql, ids: readonly string[]): Promise<Resident[]> {
  const rows = await sql.query<Resident>(RESIDENTS, [[...ids]], { name: "hc_residents" });
  for (const r of rows) {
    r.birthDate = asDate(r.birthDate)!;
    r.createdAt = asDate(r.createdAt)!;
    r.updatedAt = asDate(r.updatedAt);
  }
  return rows;
}

/** The open causes of these persons, oldest first. */
export async function readOpenCauses(sql: Sql, ids: readonly string[]): Promise<StatusCause[]> {
  const rows = await sql.query<StatusCause>(OPEN_CAUSES, [[...ids]], { name: "hc_open_causes" });
  for (const c of rows) {
    c.raisedAt = asDate(c.raisedAt)!;
    c.clearedAt = asDate(c.clearedAt);
  }
  return rows;
}
