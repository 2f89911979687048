// health-code's TripDeclared → the trip replica: evidence naming a trip is checked against it
// (filing.ts). Ordering: commutes (insert-once by trip id; a trip is never reassigned).
import type { EventEnvelope } from "../../../kernel/events";
import type { Sql } from "../../../kernel/db/sql";

interface Payload { tripId: string; personId: string }

/** Records whose trip it is. */
export async function onTripDeclared(event: EventEnvelope, tx: Sql): Promise<void> {
  const p = event.payload as unknown as Payload;
  if (typeof p.tripId !== "string" || typeof p.personId !== "string") throw new Error("TripDeclared payload lacks tripId or personId");
  await tx.query(`INSERT INTO trip_replica (trip_id, person_id) VALUES ($1::text, $2::text) ON CONFLICT (trip_id) DO NOTHING`, [p.tripId, p.personId]);
}
