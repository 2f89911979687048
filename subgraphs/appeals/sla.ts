// The appeal SLA: an open appeal is overdue once it has been open longer than the configured
// threshold (APPEALS_SLA_HOURS, default 10 hours), counted from filing.
import type { Appeal } from "./generated/prisma/client";
import { OPEN } from "./workflow";

const HOUR = 3_600_000;

/** When the appeal becomes overdue. */
export function dueAt(a: Pick<Appeal, "submittedAt">, slaHours: number): Date {
  return new Date(a.submittedAt.getTime() + slaHours * HOUR);
}

/** True when the appeal is open and past its due time at `now`. */
export function isOverdue(a: Pick<Appeal, "submittedAt" | "status">, slaHours: number, now: Date): boolean {
  return OPEN.includes(a.status) && now >= dueAt(a, slaHours);
}

/** The officer's queue order: overdue first, then the oldest; appeals waiting for the appellant last. */
export function byUrgency<T extends Pick<Appeal, "submittedAt" | "status" | "id">>(list: T[], slaHours: number, now: Date): T[] {
  const rank = (a: T) => (a.status === "EVIDENCE_REQUESTED" ? 2 : isOverdue(a, slaHours, now) ? 0 : 1);
  return [...list].sort((x, y) => rank(x) - rank(y) || x.submittedAt.getTime() - y.submittedAt.getTime() || x.id.localeCompare(y.id));
}
