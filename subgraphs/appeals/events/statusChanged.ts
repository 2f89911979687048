// health-code's StatusChanged → the cause replica: the causes listed are open and the person's;
// the person's other causes are cleared (causes never reopen). Ordering: guarded. The event
// carries the whole set, and cause_replica_person keeps the occurredAt of the newest event
// applied per person; an older one (a late claim or a replay) is ignored.
import type { EventEnvelope } from "../../../kernel/events";
import type { Sql } from "../../../kernel/db/sql";

interface Payload { personId: string; openCauses: Array<{ id: string; kind: string }>; community?: string }

/** Replaces the person's replicated causes with the event's open set, if the event is newer. */
export async function onStatusChanged(event: EventEnvelope, tx: Sql): Promise<void> {
  const { personId, openCauses, community } = event.payload as unknown as Payload;
  if (typeof personId !== "string" || !Array.isArray(openCauses)) throw new Error("StatusChanged payload lacks personId or openCauses");
  const newer = await tx.query(
    `INSERT INTO cause_replica_person (person_id, as_of, community) VALUES ($1::text, $2::timestamptz, $3::text)
     ON CONFLICT (person_id) DO UPDATE SET as_of = EXCLUDED.as_of, community = COALESCE(EXCLUDED.community, cause_replica_person.community)
     WHERE cause_replica_person.as_of <= EXCLUDED.as_of
     RETURNING person_id`,
    [personId, event.occurredAt, typeof community === "string" && community ? community : null],
  );
  if (newer.length === 0) return;
  const open = JSON.stringify(openCauses.map((c) => ({ id: String(c.id), kind: String(c.kind) })));
  await tx.query(
    `UPDATE cause_replica SET open = false
      WHERE person_id = $1::text AND open AND cause_id NOT IN (SELECT x->>'id' FROM jsonb_array_elements($2::jsonb) x)`,
    [personId, open],
  );
  await tx.query(
    `INSERT INTO cause_replica (cause_id, person_id, kind, open)
     SELECT x->>'id', $1::text, x->>'kind', true FROM jsonb_array_elements($2::jsonb) x
     ON CONFLICT (cause_id) DO UPDATE SET open = true WHERE cause_replica.person_id = EXCLUDED.person_id`,
    [personId, open],
  );
}
