// Reads of another person's data that is not one @pii field (their status colour, its history,
// their movements, their tests) are entered in the silo's disclosure log like personal fields, so
// every look at another person, an auditor's and a registrar's included, is reviewable even when
// the request selects no name (kernel/privacy/audit.ts). A full view is entered as `Type.field`;
// a view under pseudonymous ids (auditors, apps, registrars) as `Type.field:PSEUDONYM`. A
// person's own data is not entered (an auditor's own is, as for personal fields).
import { assertPurpose, type PiiContext } from "./piiFields";

const PSEUDONYMOUS = new Set(["AUDITOR", "APP", "REGISTRAR"]);

/**
 * Records that the viewer read `coordinate` of each person in `personIds`; first refuses a stated
 * purpose that names no open case (BAD_USER_INPUT), as personal fields do, so nothing is read
 * under it and the log only ever holds case references.
 */
export async function recordRead(ctx: PiiContext, personIds: Iterable<string>, coordinate: string): Promise<void> {
  await assertPurpose(ctx);
  const { role, subject } = ctx.viewer;
  const entry = PSEUDONYMOUS.has(role) ? `${coordinate}:PSEUDONYM` : coordinate;
  for (const personId of personIds) {
    if (personId === subject && role !== "AUDITOR") continue;
    ctx.disclosed?.add(personId, entry);
  }
}
