// The escalation job: every open appeal past its SLA that has not been escalated yet is marked
// escalated (to its district's officers, who list them in escalatedAppeals), with a stored
// transition. Idempotent: an appeal is escalated once. The silo runs it on a timer
// (APPEALS_ESCALATION_EVERY_MS); tests call it with their own clock.
import type { Sql } from "../../kernel/db/sql";

/** Escalates the appeals overdue at `now`; returns their ids. */
export async function escalateOverdue(sql: Sql, now: Date, slaHours: number): Promise<string[]> {
  const rows = await sql.query<{ appeal_id: string }>(
    `WITH due AS (
       UPDATE appeal SET escalated_at = $1::timestamptz
        WHERE status::text IN ('SUBMITTED', 'UNDER_REVIEW', 'EVIDENCE_REQUESTED') AND escalated_at IS NULL
          AND submitted_at <= ($1::timestamptz AT TIME ZONE 'UTC') - make_interval(secs => $2::float8 * 3600)
        RETURNING id, status)
     INSERT INTO appeal_transition (id, appeal_id, action, from_status, to_status, actor_role, note, at)
     SELECT gen_random_uuid(), id, 'ESCALATE', status, status, 'SYSTEM', $3::text, $1::timestamptz FROM due
     RETURNING appeal_id`,
    [now.toISOString(), slaHours, `open longer than ${slaHours} hours: escalated to the district's officers`],
  );
  return rows.map((r) => r.appeal_id);
}

/** Runs the job every `everyMs` (0: never); returns a stop function. Failures are logged, never thrown. */
export function scheduleEscalation(sql: Sql, slaHours: number, everyMs: number, log: (e: unknown) => void = () => undefined): () => void {
  if (everyMs <= 0) return () => undefined;
  const timer = setInterval(() => void escalateOverdue(sql, new Date(), slaHours).catch(log), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
