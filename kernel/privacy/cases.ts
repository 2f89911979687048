// The registry of open epidemiological cases, which the CDC (EPIDEMIOLOGIST) maintains in the
// health-code silo. An epidemiologist's purpose is a case reference, never free text: only a
// reference to a case open in the registry unlocks a full view, and only references are written
// to the audit log. Health-code announces every change as CaseRegistryChanged; the other silos
// that disclose personal data (testing, appeals) keep a replica in a table of the same shape.
import type { EventEnvelope, NewEvent } from "../events";
import type { Sql } from "../db/sql";

/** A case reference: 2–8 capital letters, the year, and a 2–6 digit number (CASE-2022-0126). */
export const CASE_REFERENCE = /^[A-Z]{2,8}-\d{4}-\d{2,6}$/;

/** The demo city's one open case, seeded in every silo that checks purposes. */
export const DEMO_CASE = "CASE-2022-0126";

/** True when `reference` has the shape of a case reference (it cannot carry a name or an ID number). */
export function isCaseReference(reference: string): boolean {
  return CASE_REFERENCE.test(reference);
}

/** Answers whether a reference names an open case, from the silo's own `epi_case` table. */
export function openCaseCheck(sql: Sql): (reference: string) => Promise<boolean> {
  return async (reference) => {
    if (!isCaseReference(reference)) return false;
    return (await sql.query(`SELECT 1 FROM epi_case WHERE reference = $1 AND closed_at IS NULL`, [reference])).length > 0;
  };
}

export interface CaseRow {
  reference: string;
  openedAt: Date;
  closedAt: Date | null;
}

/** CaseRegistryChanged v1: a case opened or closed (the whole row, so a replica applies it idempotently). */
export function caseRegistryChanged(c: CaseRow): NewEvent {
  return { type: "CaseRegistryChanged", aggregateId: c.reference, payload: { reference: c.reference, openedAt: c.openedAt.toISOString(), closedAt: c.closedAt?.toISOString() ?? null } };
}

/** Applies CaseRegistryChanged to a replica. Order-safe: a closed case never reopens. */
export async function onCaseRegistryChanged(event: EventEnvelope, tx: Sql): Promise<void> {
  const { reference, openedAt, closedAt } = event.payload as { reference?: unknown; openedAt?: unknown; closedAt?: unknown };
  if (typeof reference !== "string" || !isCaseReference(reference) || typeof openedAt !== "string") throw new Error("CaseRegistryChanged payload lacks a reference or openedAt");
  await tx.query(
    `INSERT INTO epi_case (reference, opened_at, closed_at) VALUES ($1, $2::timestamptz, $3::timestamptz)
     ON CONFLICT (reference) DO UPDATE SET closed_at = COALESCE(epi_case.closed_at, EXCLUDED.closed_at)`,
    [reference, openedAt, typeof closedAt === "string" ? closedAt : null],
  );
}

/** Seeds the demo case (every silo that checks purposes seeds it, so no demo request races the replica). */
export async function seedDemoCase(sql: Sql): Promise<void> {
  await sql.query(`INSERT INTO epi_case (reference) VALUES ($1) ON CONFLICT (reference) DO NOTHING`, [DEMO_CASE]);
}
