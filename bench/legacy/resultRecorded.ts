// THE OLD EVENT (4545b94), for bench/legacy/results.ts only.
// ResultRecorded: a lab recorded a tube's result. Appended in the recording transaction, one event
// per newly recorded tube (a repeated upload records nothing and emits nothing). The payload names
// the swabbed persons by pseudonymous id with their swab times: never names, ID numbers or phones.
import type { NewEvent } from "../../kernel/events";
import type { TestResult } from "../../subgraphs/testing/generated/prisma/client";

/** A swab as the event needs it. */
export interface SwabRef { tubeId: string; personId: string; swabbedAt: Date }

/**
 * ResultRecorded v1 events for newly recorded results, with each tube's swabbed persons and
 * whether the tube was pooled (capacity above one) (health-code raises POOLED_POSITIVE and clears it on a single-tube
 * negative; an added field, so v1 consumers that ignore it are unaffected).
 */
export function resultRecordedEvents(results: TestResult[], swabs: SwabRef[], pooledTubeIds: ReadonlySet<string> = new Set()): NewEvent[] {
  // Grouped once: a 5,000-tube upload would otherwise scan every swab for every tube.
  const byTube = new Map<string, SwabRef[]>();
  for (const s of swabs) {
    const list = byTube.get(s.tubeId);
    if (list) list.push(s);
    else byTube.set(s.tubeId, [s]);
  }
  return results.map((r) => ({
    type: "ResultRecorded",
    aggregateId: r.tubeId,
    payload: {
      tubeId: r.tubeId,
      outcome: r.outcome,
      recordedAt: r.recordedAt.toISOString(),
      agencyId: r.agencyId,
      pooled: pooledTubeIds.has(r.tubeId),
      persons: (byTube.get(r.tubeId) ?? []).map((s) => ({ personId: s.personId, swabbedAt: s.swabbedAt.toISOString() })),
    },
  }));
}
