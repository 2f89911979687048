// TripDeclared: a resident declared a trip. Appended in the declaring transaction; appeals keeps
// a replica so a trip named as an appeal's evidence is checked against the resident's own
// declarations. Ids only: the district and dates stay in health-code.
import type { NewEvent } from "../../../kernel/events";

/** The TripDeclared v1 event. */
export function tripDeclared(trip: { id: string; personId: string; declaredAt: Date }): NewEvent {
  return { type: "TripDeclared", aggregateId: trip.personId, payload: { tripId: trip.id, personId: trip.personId, declaredAt: trip.declaredAt.toISOString() } };
}
