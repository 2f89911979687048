// testing's ResultRecorded → the result replica: evidence naming a negative result is checked
// against it (filing.ts). Ordering: commutes (rows are keyed by tube and person, inserted once;
// a tube's result never changes once recorded).
import type { EventEnvelope } from "../../../kernel/events";
import type { Sql } from "../../../kernel/db/sql";

interface Payload { tubeId: string; outcome: string; persons: Array<{ personId: string; swabbedAt: string }> }

/** Records the tube's outcome for each swabbed person. */
export async function onResultRecorded(event: EventEnvelope, tx: Sql): Promise<void> {
  const p = event.payload as unknown as Payload;
  if (typeof p.tubeId !== "string" || !Array.isArray(p.persons) || p.persons.length === 0) return;
  await tx.query(
    `INSERT INTO result_replica (tube_id, person_id, outcome, swabbed_at)
     SELECT $1::text, x->>'personId', $2::text, (x->>'swabbedAt')::timestamptz FROM jsonb_array_elements($3::jsonb) x
     ON CONFLICT (tube_id, person_id) DO NOTHING`,
    [p.tubeId, String(p.outcome), JSON.stringify(p.persons)],
  );
}
