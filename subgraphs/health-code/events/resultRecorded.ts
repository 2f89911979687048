// testing's ResultRecorded → a negative result clears the person's open medicine pop-ups raised
// before the swab (seed 004: "for a medicine pop-up, a negative test clears it automatically").
// Ordering: commutes. Clearing is monotone and depends only on this event's own swab time, so
// any order of results (or a replay) ends with the same causes cleared.
import type { EventEnvelope } from "../../../kernel/events";
import type { Sql } from "../../../kernel/db/sql";
import { appendStatusChanged, lockResidents } from "./statusChanged";

interface Payload { outcome: string; recordedAt: string; persons: Array<{ personId: string; swabbedAt: string }> }

export const NEGATIVE_RESULT_REASON = "negative test result, swabbed after the medicine purchase";

/** Clears medicine pop-ups of the tube's persons when the result is negative. */
export async function onResultRecorded(event: EventEnvelope, tx: Sql): Promise<void> {
  const p = event.payload as unknown as Payload;
  if (p.outcome !== "NEGATIVE" || !Array.isArray(p.persons)) return;
  const residents = new Set(await lockResidents(tx, p.persons.map((x) => x.personId)));
  const changed: string[] = [];
  for (const { personId, swabbedAt } of p.persons) {
    if (!residents.has(personId)) continue;
    // raised_at and cleared_at are UTC wall-clock timestamps (Prisma's DateTime): an ISO string
    // cast to timestamp keeps its UTC digits.
    const cleared = await tx.query(
      `UPDATE status_cause SET cleared_at = $3::timestamp, cleared_reason = $4::text
        WHERE person_id = $1::text AND kind = 'POPUP_MEDICINE' AND cleared_at IS NULL AND raised_at < $2::timestamp RETURNING id`,
      [personId, swabbedAt, p.recordedAt, NEGATIVE_RESULT_REASON],
    );
    if (cleared.length > 0) changed.push(personId);
  }
  await appendStatusChanged(tx, changed);
}
