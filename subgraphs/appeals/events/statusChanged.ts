// health-code's StatusChanged → the cause replica: the causes listed are open and the person's;
// the person's other causes are cleared (causes never reopen). Ordering: guarded. The event
// carries the whole set, and cause_replica_person keeps the occurredAt of the newest event
// applied per person; an older one (a late claim or a replay) is ignored.
import type { EventEnvelope } from "../../../kernel/events";
import type { Sql } from "../../../kernel/db/sql";

interface Payload { personId: string; openCauses: Array<{ id: string; kind: string }>; community?: string; district?: string }

/**
 * Health-code cleared these causes (its rule was met, e.g. a negative test after a medicine
 * purchase, or an officer cleared it): their open appeals close as AUTO_RESOLVED, with a stored
 * transition, and no officer is needed. An approved or rejected appeal keeps its decision.
 */
async function autoResolve(tx: Sql, causeIds: string[]): Promise<void> {
  if (causeIds.length === 0) return;
  await tx.query(
    `WITH old AS (
       SELECT id, status FROM appeal
        WHERE cause_id IN (SELECT jsonb_array_elements_text($1::jsonb)) AND status::text IN ('SUBMITTED', 'UNDER_REVIEW', 'EVIDENCE_REQUESTED') FOR UPDATE),
     resolved AS (
       UPDATE appeal a SET status = 'AUTO_RESOLVED', decided_at = now() AT TIME ZONE 'UTC' FROM old WHERE a.id = old.id
        RETURNING a.id, old.status AS from_status)
     INSERT INTO appeal_transition (id, appeal_id, action, from_status, to_status, actor_role, note)
     SELECT gen_random_uuid(), id, 'AUTO_RESOLVE', from_status, 'AUTO_RESOLVED', 'SYSTEM', 'health-code cleared the cause' FROM resolved`,
    [JSON.stringify(causeIds)],
  );
}

/** Replaces the person's replicated causes with the event's open set, if the event is newer. */
export async function onStatusChanged(event: EventEnvelope, tx: Sql): Promise<void> {
  const { personId, openCauses, community, district } = event.payload as unknown as Payload;
  if (typeof personId !== "string" || !Array.isArray(openCauses)) throw new Error("StatusChanged payload lacks personId or openCauses");
  const newer = await tx.query(
    `INSERT INTO cause_replica_person (person_id, as_of, community, district) VALUES ($1::text, $2::timestamptz, $3::text, $4::text)
     ON CONFLICT (person_id) DO UPDATE SET as_of = EXCLUDED.as_of, community = COALESCE(EXCLUDED.community, cause_replica_person.community),
       district = COALESCE(EXCLUDED.district, cause_replica_person.district)
     WHERE cause_replica_person.as_of <= EXCLUDED.as_of
     RETURNING person_id`,
    [personId, event.occurredAt, typeof community === "string" && community ? community : null, typeof district === "string" && district ? district : null],
  );
  if (newer.length === 0) return;
  const open = JSON.stringify(openCauses.map((c) => ({ id: String(c.id), kind: String(c.kind) })));
  const closed = await tx.query<{ cause_id: string }>(
    `UPDATE cause_replica SET open = false
      WHERE person_id = $1::text AND open AND cause_id NOT IN (SELECT x->>'id' FROM jsonb_array_elements($2::jsonb) x)
      RETURNING cause_id`,
    [personId, open],
  );
  await autoResolve(tx, closed.map((c) => c.cause_id));
  await tx.query(
    `INSERT INTO cause_replica (cause_id, person_id, kind, open)
     SELECT x->>'id', $1::text, x->>'kind', true FROM jsonb_array_elements($2::jsonb) x
     ON CONFLICT (cause_id) DO UPDATE SET open = true WHERE cause_replica.person_id = EXCLUDED.person_id`,
    [personId, open],
  );
}
