// CDC's exposure search (seed 004's cause 2: crossed a case's track in time and place): the
// persons whose check-ins fall in any window of a case's track. Check-ins of deleted registers
// count: that is the tracing copy retention keeps. The case and any stated purpose are references
// to open cases in the replica of the CDC's registry (kernel/privacy/cases.ts), never free text:
// a blank, malformed, unknown or closed one is refused before anything is read or written. An
// epidemiologist with a purpose gets the persons (their names disclosed and audited by
// health-code); anyone else a count. Every search is audited here. With raiseCauses, each person is named to health-code at most once per
// case (exposure_notice), so overlapping windows or a repeated search raise one cause, not two.
import { randomUUID } from "node:crypto";
import { prismaSql } from "../../kernel/db/sql";
import { appendEvents, type NewEvent } from "../../kernel/events";
import { fail } from "../../kernel/runtime/errors";
import type { VenuesContext } from "./context";
import { events, validate, type RiskPointInput } from "./riskPoints";

export const TRACK_MAX = 50;

/** Overlapping or touching windows of one venue merged into one, per venue, in time order. */
export function mergeTrack(track: RiskPointInput[]): RiskPointInput[] {
  const sorted = [...track].sort((a, b) => a.venueId.localeCompare(b.venueId) || a.from.getTime() - b.from.getTime());
  const merged: RiskPointInput[] = [];
  for (const w of sorted) {
    const last = merged.at(-1);
    if (last && last.venueId === w.venueId && w.from.getTime() <= last.to.getTime()) {
      if (w.to.getTime() > last.to.getTime()) last.to = w.to;
    } else merged.push({ ...w });
  }
  return merged;
}

export interface ExposureArgs { caseId: string; track: RiskPointInput[]; raiseCauses: boolean }

/** Runs the search (and, if asked, names new persons to health-code through RiskPointReported). */
export async function exposureSearch(ctx: VenuesContext, args: ExposureArgs) {
  const { role, subject, purpose } = ctx.viewer;
  const seesPersons = role === "EPIDEMIOLOGIST" && !!purpose;
  if (args.raiseCauses && !seesPersons) throw fail("FORBIDDEN", "Only an epidemiologist with a stated purpose may raise risk-point causes.", { reason: "PURPOSE_REQUIRED" });
  const caseId = args.caseId.trim();
  if (!(await ctx.openCase(caseId))) {
    throw fail("BAD_USER_INPUT", "The case must be the reference of an open case in the CDC's case registry (like CASE-2022-0126); blank text, free text and unknown or closed cases are refused.", { field: "caseId" });
  }
  if (purpose !== undefined && !(await ctx.openCase(purpose))) {
    throw fail("BAD_USER_INPUT", "The purpose must be the reference of an open case in the CDC's case registry (like CASE-2022-0126); blank text, free text and unknown or closed cases are refused.");
  }
  if (args.track.length < 1 || args.track.length > TRACK_MAX) throw fail("BAD_USER_INPUT", `A track has 1 to ${TRACK_MAX} windows.`, { field: "track" });
  const now = new Date();
  for (const w of args.track) validate(w, now);
  const track = mergeTrack(args.track);
  const venues = new Set((await ctx.prisma.venue.findMany({ where: { id: { in: track.map((w) => w.venueId) } }, select: { id: true } })).map((v) => v.id));
  const unknown = track.find((w) => !venues.has(w.venueId));
  if (unknown) throw fail("NOT_FOUND", `No venue has the id ${unknown.venueId}.`, { field: "track" });

  const id = randomUUID();
  return ctx.prisma.$transaction(async (tx) => {
    // Who was where: the first window (in track order) that found each person.
    const found = new Map<string, RiskPointInput>();
    for (const w of track) {
      const rows = await tx.checkIn.findMany({
        where: { register: { venueId: w.venueId }, checkedInAt: { gte: w.from, lte: w.to } },
        select: { personId: true }, distinct: ["personId"], orderBy: { personId: "asc" },
      });
      for (const r of rows) if (!found.has(r.personId)) found.set(r.personId, w);
    }
    let raised = 0;
    if (args.raiseCauses && found.size > 0) {
      await tx.exposureNotice.createMany({
        data: [...found].map(([personId, w]) => ({ caseId, personId, reportId: id, venueId: w.venueId })),
        skipDuplicates: true,
      });
      const fresh = new Set((await tx.exposureNotice.findMany({ where: { caseId, reportId: id }, select: { personId: true } })).map((n) => n.personId));
      const out: NewEvent[] = [];
      for (const w of track) {
        const persons = [...found].filter(([p, at]) => at === w && fresh.has(p)).map(([p]) => p);
        if (persons.length > 0) out.push(...events(`${id}:${w.venueId}:${w.from.toISOString()}`, w, persons));
      }
      await appendEvents(prismaSql(tx), out);
      raised = fresh.size;
    }
    await tx.exposureSearchAudit.create({
      data: { id, role, viewerId: subject ?? null, purpose: purpose ?? null, caseId, persons: found.size, track: track.map((w) => ({ venueId: w.venueId, from: w.from.toISOString(), to: w.to.toISOString() })) },
    });
    return { id, caseId, personCount: found.size, persons: seesPersons ? [...found.keys()].map((pid) => ({ id: pid })) : null, causesRaised: raised };
  }).then((result) => {
    if (result.causesRaised > 0) ctx.relay.notify();
    return result;
  });
}
