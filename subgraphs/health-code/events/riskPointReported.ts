// venues' RiskPointReported → a POPUP_RISK_POINT cause for each person it names (seed 004's cause
// 2: visited a reported case's risk point). Idempotent per (event, person): the cause id is derived
// from both. A person who already has an open risk-point cause for the same venue and window is
// not raised twice (a second report of the same exposure). Ordering: commutes with other reports
// (each only adds); against a clearing it is guarded by that rule, and a redelivery of an event
// already applied is skipped by processed_event, so an appeal's clearing is never undone by it.
import type { EventEnvelope } from "../../../kernel/events";
import type { Sql } from "../../../kernel/db/sql";
import { appendStatusChanged, lockResidents } from "./statusChanged";

interface Payload { venueId: string; from: string; to: string; personIds: string[] }

/** Raises risk-point pop-ups for the reported visitors (residents only). */
export async function onRiskPointReported(event: EventEnvelope, tx: Sql): Promise<void> {
  const p = event.payload as unknown as Payload;
  if (!Array.isArray(p.personIds) || p.personIds.length === 0) return;
  // Lock first: a concurrent report of the same window then sees this one's committed causes.
  const residents = await lockResidents(tx, p.personIds);
  if (residents.length === 0) return;
  const detail = `Checked in at a venue reported as a case's risk point (${p.venueId}, ${p.from} – ${p.to}): report to your community.`;
  const raised = await tx.query<{ person_id: string; cause_id: string }>(
    `WITH fresh AS (
       SELECT r.person_id, md5($1::text || ':' || r.person_id)::uuid::text AS cause_id
         FROM resident r
        WHERE r.person_id = ANY ($2::text[])
          AND NOT EXISTS (
            SELECT 1 FROM risk_point_exposure e JOIN status_cause c ON c.id = e.cause_id
             WHERE e.person_id = r.person_id AND e.venue_id = $3::text
               AND e.window_from = $4::timestamptz AND e.window_to = $5::timestamptz AND c.cleared_at IS NULL)
     ), causes AS (
       INSERT INTO status_cause (id, person_id, kind, detail, raised_at, raised_by_role, evidence_ref)
       SELECT cause_id, person_id, 'POPUP_RISK_POINT'::"CauseKind", $6::text, $7::timestamp, 'EVENT', 'venues:' || $3::text FROM fresh
       ON CONFLICT (id) DO NOTHING RETURNING id, person_id
     )
     INSERT INTO risk_point_exposure (cause_id, person_id, venue_id, window_from, window_to)
     SELECT id, person_id, $3::text, $4::timestamptz, $5::timestamptz FROM causes
     RETURNING person_id, cause_id`,
    [event.id, residents, p.venueId, p.from, p.to, detail, event.occurredAt],
  );
  const causeOf = new Map(raised.map((r) => [r.person_id, r.cause_id]));
  await appendStatusChanged(tx, [...causeOf.keys()], (personId) => ({ change: "RAISED", causeId: causeOf.get(personId), causeKind: "POPUP_RISK_POINT", reason: "visited a reported case's risk point" }));
}
