// ResultsRecorded: a lab recorded tubes' results. Appended in the recording transaction, one event
// per chunk of up to RESULTS_PER_EVENT newly recorded tubes (a repeated upload records nothing and
// emits nothing): each item of `results` is exactly what a ResultRecorded v1 payload was for its
// tube, so consumers apply each tube's effect as before, but a 10,000-result upload is 10 outbox
// rows and 10 consumer transactions rather than 10,000 of each. The payload names the swabbed
// persons by pseudonymous id with their swab times: never names, ID numbers or phones.
// Consumers still handle ResultRecorded (one tube per event) for events written before.
import type { NewEvent } from "../../../kernel/events";
import type { TestResult } from "../generated/prisma/client";

/** A swab as the event needs it. */
export interface SwabRef { tubeId: string; personId: string; swabbedAt: Date }

/** One tube's recorded result as an event carries it (the ResultRecorded v1 payload). */
export interface ResultPayload { tubeId: string; outcome: string; recordedAt: string; agencyId: string; pooled: boolean; persons: Array<{ personId: string; swabbedAt: string }> }

/**
 * Each newly recorded result with its tube's swabbed persons and whether the tube was pooled
 * (capacity above one) (health-code raises POOLED_POSITIVE and clears it on a single-tube negative).
 */
export function resultRecordedPayloads(results: TestResult[], swabs: SwabRef[], pooledTubeIds: ReadonlySet<string> = new Set()): ResultPayload[] {
  // Grouped once: a 5,000-tube upload would otherwise scan every swab for every tube.
  const byTube = new Map<string, SwabRef[]>();
  for (const s of swabs) {
    const list = byTube.get(s.tubeId);
    if (list) list.push(s);
    else byTube.set(s.tubeId, [s]);
  }
  return results.map((r) => ({
    tubeId: r.tubeId,
    outcome: r.outcome,
    recordedAt: r.recordedAt.toISOString(),
    agencyId: r.agencyId,
    pooled: pooledTubeIds.has(r.tubeId),
    persons: (byTube.get(r.tubeId) ?? []).map((s) => ({ personId: s.personId, swabbedAt: s.swabbedAt.toISOString() })),
  }));
}

/** Tubes per ResultsRecorded event: a chunk's payload stays a few hundred kB on the bus. */
export const RESULTS_PER_EVENT = 1000;

/**
 * ResultsRecorded v1 events for newly recorded results, RESULTS_PER_EVENT tubes at most each.
 * The aggregate is the first tube of the chunk (an id of the silo's own, never a person's).
 */
export function resultsRecordedEvents(results: TestResult[], swabs: SwabRef[], pooledTubeIds: ReadonlySet<string> = new Set()): NewEvent[] {
  const payloads = resultRecordedPayloads(results, swabs, pooledTubeIds);
  const events: NewEvent[] = [];
  for (let i = 0; i < payloads.length; i += RESULTS_PER_EVENT) {
    const chunk = payloads.slice(i, i + RESULTS_PER_EVENT);
    events.push({ type: "ResultsRecorded", aggregateId: chunk[0]!.tubeId, payload: { results: chunk } as unknown as Record<string, unknown> });
  }
  return events;
}
