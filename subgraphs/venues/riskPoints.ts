// An epidemiologist reports a venue as a case's risk point for a time window (seed 004's cause 2).
// Everyone checked in there in the window is named, by pseudonymous id only, in RiskPointReported
// events appended in one transaction; the health-code silo raises their pop-ups. The answer
// carries counts, never who.
import { randomUUID } from "node:crypto";
import type { Viewer } from "../../kernel/auth/viewer";
import { prismaSql } from "../../kernel/db/sql";
import { appendEvents, type NewEvent } from "../../kernel/events";
import { fail } from "../../kernel/runtime/errors";
import type { PrismaClient, Venue } from "./generated/prisma/client";

const HOUR = 3_600_000;
/** The longest window one report may cover: pop-up rules look back 14 days (seed 004). */
export const MAX_WINDOW_HOURS = 14 * 24;
/** Persons named per event, so a crowded venue becomes several small events, not one huge one. */
export const PERSONS_PER_EVENT = 500;

export interface RiskPointInput { venueId: string; from: Date; to: Date }
export interface RiskPointReport { id: string; venue: Venue; from: Date; to: Date; visitorCount: number; reportedAt: Date }

/** Refuses an empty, reversed, too long or future window. */
export function validate({ from, to }: RiskPointInput, now: Date): void {
  if (from.getTime() >= to.getTime()) throw fail("BAD_USER_INPUT", "The window must end after it starts: 'from' must be earlier than 'to'.", { field: "to" });
  if (to.getTime() - from.getTime() > MAX_WINDOW_HOURS * HOUR) {
    throw fail("BAD_USER_INPUT", `A risk-point window may span at most ${MAX_WINDOW_HOURS / 24} days: report a longer exposure as several windows.`, { field: "from" });
  }
  if (from.getTime() > now.getTime()) throw fail("BAD_USER_INPUT", "The window starts in the future: a risk point is reported for visits that happened.", { field: "from" });
}

/** One event per PERSONS_PER_EVENT visitors, all carrying the report's id, venue and window. */
export function events(reportId: string, input: RiskPointInput, personIds: string[]): NewEvent[] {
  const parts = Math.ceil(personIds.length / PERSONS_PER_EVENT);
  return Array.from({ length: parts }, (_, i) => ({
    type: "RiskPointReported",
    aggregateId: input.venueId,
    payload: {
      reportId, venueId: input.venueId, from: input.from.toISOString(), to: input.to.toISOString(),
      part: i + 1, parts, personIds: personIds.slice(i * PERSONS_PER_EVENT, (i + 1) * PERSONS_PER_EVENT),
    },
  }));
}

/** Reports the risk point (EPIDEMIOLOGIST only); `notify` wakes the relay after the commit. */
export async function reportRiskPoint(prisma: PrismaClient, viewer: Viewer, input: RiskPointInput, notify: () => void): Promise<RiskPointReport> {
  if (viewer.role !== "EPIDEMIOLOGIST") throw fail("FORBIDDEN", "Only an epidemiologist (CDC) may report a risk point.");
  const reportedAt = new Date();
  validate(input, reportedAt);
  const venue = await prisma.venue.findUnique({ where: { id: input.venueId } });
  if (!venue) throw fail("NOT_FOUND", "No venue has this id.", { field: "venueId" });
  const id = randomUUID();
  const visitorCount = await prisma.$transaction(async (tx) => {
    const rows = await tx.checkIn.findMany({
      where: { register: { venueId: venue.id }, checkedInAt: { gte: input.from, lte: input.to } },
      select: { personId: true },
      distinct: ["personId"],
      orderBy: { personId: "asc" },
    });
    const personIds = rows.map((r) => r.personId);
    await appendEvents(prismaSql(tx), events(id, input, personIds));
    return personIds.length;
  });
  if (visitorCount > 0) notify();
  return { id, venue, from: input.from, to: input.to, visitorCount, reportedAt };
}
