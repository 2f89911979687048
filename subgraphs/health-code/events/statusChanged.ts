// StatusChanged: health-code tells other silos a person's set of open causes after every change,
// in the transaction that made it. The payload is the whole set (state, not a delta), so a
// consumer keeps the newest event per person (by occurredAt) and ignores older ones.
import type { Sql } from "../../../kernel/db/sql";
import { appendEvents, type NewEvent } from "../../../kernel/events";
import { recordColourChanges, type Why } from "../causes/history";

/** One open cause as the event carries it: ids and kind only, never the detail text. */
export interface OpenCause { id: string; kind: string }

/**
 * The payload of StatusChanged v1. `community` (added compatibly) is the person's community on
 * their health-code record: appeals takes an appeal's community from it, never from the appellant.
 */
export interface StatusChangedPayload { personId: string; abnormal: boolean; openCauses: OpenCause[]; community?: string; district?: string }

/** The StatusChanged event for a person whose open causes are now `openCauses`. */
export function statusChanged(personId: string, openCauses: OpenCause[], community?: string, district?: string): NewEvent {
  const payload: StatusChangedPayload = { personId, abnormal: openCauses.length > 0, openCauses, ...(community ? { community } : {}), ...(district ? { district } : {}) };
  return { type: "StatusChanged", aggregateId: personId, payload: { ...payload } };
}

// Lists travel as text arrays (pg, PGlite and Prisma bind them alike): PostgreSQL plans `= ANY`
// over the actual ids, a hashed look-up, where `IN (SELECT jsonb_array_elements_text(...))` could
// rescan the list once per row on tables without statistics.
const distinct = (ids: readonly string[]) => [...new Set(ids)];

/**
 * Locks the residents' rows (in id order, so two handlers never deadlock) and returns the ids that
 * are residents. Every change of a person's causes takes this lock first: the set read after it is
 * then the committed one, and events for one person are appended in commit order.
 */
export async function lockResidents(tx: Sql, personIds: readonly string[]): Promise<string[]> {
  if (personIds.length === 0) return [];
  const rows = await tx.query<{ person_id: string }>(
    `SELECT person_id FROM resident WHERE person_id = ANY ($1::text[]) ORDER BY person_id FOR UPDATE`,
    [distinct(personIds)],
  );
  return rows.map((r) => r.person_id);
}

/**
 * Appends StatusChanged for each person with their open causes as now seen in `tx` (call after
 * lockResidents), and a status_change row for each person whose colour this changed, saying why.
 */
export async function appendStatusChanged(tx: Sql, personIds: readonly string[], why: (personId: string) => Why): Promise<void> {
  if (personIds.length === 0) return;
  const ids = distinct(personIds);
  const rows = await tx.query<{ id: string; person_id: string; kind: string }>(
    `SELECT id, person_id, kind::text AS kind FROM status_cause
      WHERE person_id = ANY ($1::text[]) AND cleared_at IS NULL ORDER BY raised_at, id`,
    [ids],
  );
  const residents = await tx.query<{ person_id: string; community: string; district: string }>(
    `SELECT person_id, community, district FROM resident WHERE person_id = ANY ($1::text[])`,
    [ids],
  );
  const place = new Map(residents.map((r) => [r.person_id, r]));
  const open = new Map<string, OpenCause[]>(ids.map((p) => [p, []]));
  for (const r of rows) open.get(r.person_id)?.push({ id: r.id, kind: r.kind });
  await recordColourChanges(tx, open, why);
  await appendEvents(tx, [...open].map(([personId, causes]) => statusChanged(personId, causes, place.get(personId)?.community, place.get(personId)?.district)));
}
