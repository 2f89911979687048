// health-code's ProxyBindingChanged → the ward replica: a guardian may appeal for a ward whose
// binding is verified and not revoked. Ordering: guarded by the event's time (a late, older
// event never overwrites a newer state).
import type { EventEnvelope } from "../../../kernel/events";
import type { Sql } from "../../../kernel/db/sql";

interface Payload { guardianId: string; wardId: string; active: boolean }

/** Stores the binding's state if the event is newer than what the replica has. */
export async function onProxyBindingChanged(event: EventEnvelope, tx: Sql): Promise<void> {
  const p = event.payload as unknown as Payload;
  if (typeof p.guardianId !== "string" || typeof p.wardId !== "string") throw new Error("ProxyBindingChanged payload lacks guardianId or wardId");
  await tx.query(
    `INSERT INTO ward_replica (guardian_id, ward_id, active, as_of) VALUES ($1::text, $2::text, $3::boolean, $4::timestamptz)
     ON CONFLICT (guardian_id, ward_id) DO UPDATE SET active = EXCLUDED.active, as_of = EXCLUDED.as_of WHERE ward_replica.as_of <= EXCLUDED.as_of`,
    [p.guardianId, p.wardId, p.active === true, event.occurredAt],
  );
}
