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

/** ResultsRecorded (one event per upload chunk): every tube's rows in one statement. */
export async function onResultsRecorded(event: EventEnvelope, tx: Sql): Promise<void> {
  await insertRows(tx, rowsOf(event));
}

/** Several ResultsRecorded events (a consumer's batch): all their rows in one statement. */
onResultsRecorded.many = async (events: EventEnvelope[], tx: Sql): Promise<void> => insertRows(tx, events.flatMap(rowsOf));

function rowsOf(event: EventEnvelope) {
  const results = (event.payload as { results?: unknown }).results;
  if (!Array.isArray(results)) return [];
  return (results as Payload[])
    .filter((r) => r && typeof r.tubeId === "string" && Array.isArray(r.persons))
    .flatMap((r) => r.persons.map((x) => ({ tubeId: r.tubeId, outcome: String(r.outcome), personId: x.personId, swabbedAt: x.swabbedAt })));
}

async function insertRows(tx: Sql, rows: ReturnType<typeof rowsOf>): Promise<void> {
  if (rows.length === 0) return;
  // Typed arrays (unnest), not one JSON array read field by field: about 0.7 of the time for 10,000 rows.
  await tx.query(
    `INSERT INTO result_replica (tube_id, person_id, outcome, swabbed_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[])
     ON CONFLICT (tube_id, person_id) DO NOTHING`,
    [rows.map((r) => r.tubeId), rows.map((r) => r.personId), rows.map((r) => r.outcome), rows.map((r) => r.swabbedAt)],
  );
}
