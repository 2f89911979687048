// Per-community appeal figures, counted in the database: open, overdue, decided and the median
// hours from filing to an officer's decision. A district officer gets their district's
// communities by name; oversight gets every community under a keyed pseudonym.
import type { Sql } from "../../kernel/db/sql";

export interface Figures { community: string; district: string | null; open: number; overdue: number; decided: number; medianHoursToDecision: number | null }

/** The figures at `now`, for one district or (null) all. */
export async function appealFigures(sql: Sql, now: Date, slaHours: number, district: string | null): Promise<Figures[]> {
  const rows = await sql.query<{ community: string; district: string | null; open: number; overdue: number; decided: number; median: number | null }>(
    `SELECT community, district,
            count(*) FILTER (WHERE status::text IN ('SUBMITTED', 'UNDER_REVIEW', 'EVIDENCE_REQUESTED'))::int AS open,
            count(*) FILTER (WHERE status::text IN ('SUBMITTED', 'UNDER_REVIEW', 'EVIDENCE_REQUESTED')
                             AND submitted_at <= ($1::timestamptz AT TIME ZONE 'UTC') - make_interval(secs => $2::float8 * 3600))::int AS overdue,
            count(*) FILTER (WHERE status::text IN ('APPROVED', 'REJECTED'))::int AS decided,
            (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - submitted_at) / 3600)
              FILTER (WHERE status::text IN ('APPROVED', 'REJECTED')))::float8 AS median
       FROM appeal WHERE $3::text IS NULL OR district = $3::text
      GROUP BY community, district ORDER BY district, community`,
    [now.toISOString(), slaHours, district],
  );
  return rows.map((r) => ({ community: r.community, district: r.district, open: r.open, overdue: r.overdue, decided: r.decided, medianHoursToDecision: r.median === null ? null : Math.round(Number(r.median) * 100) / 100 }));
}
