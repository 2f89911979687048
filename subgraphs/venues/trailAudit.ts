// Reads of another person's movements (their check-ins: where and when) are audited like reads of
// their personal fields, in venues' own disclosure log: an auditor's or epidemiologist's look at a
// trail is itself reviewable, even when the request selects no name (kernel/privacy/audit.ts).
// A full view is entered as `Type.field`; an auditor's or app's (pseudonymous ids) as
// `Type.field:PSEUDONYM`. A person's own check-ins are not entered (an auditor's own are).
import type { VenuesContext } from "./context";

const PSEUDONYMOUS = new Set(["AUDITOR", "APP", "REGISTRAR"]);

/** Records that the viewer read `coordinate` of each person in `personIds`. */
export function recordTrailRead(ctx: VenuesContext, personIds: Iterable<string>, coordinate: string): void {
  const { role, subject } = ctx.viewer;
  const entry = PSEUDONYMOUS.has(role) ? `${coordinate}:PSEUDONYM` : coordinate;
  for (const personId of personIds) {
    if (personId === subject && role !== "AUDITOR") continue;
    ctx.disclosed?.add(personId, entry);
  }
}
