// Who sees which personal data. One table decides, per role and kind of data, what a field
// returns when it belongs to someone other than the viewer. The README lists it per role.
import type { Role, Viewer } from "../auth/viewer";

export const PII_KINDS = ["NAME", "ID_NUMBER", "PHONE", "BIRTH_DATE", "ADDRESS"] as const;
export type PiiKind = (typeof PII_KINDS)[number];
export type Disclosure = "FULL" | "MASKED" | "PSEUDONYM" | "DENIED";

type Row = Record<PiiKind, Disclosure>;
const all = (d: Disclosure): Row => ({ NAME: d, ID_NUMBER: d, PHONE: d, BIRTH_DATE: d, ADDRESS: d });

/**
 * Disclosure of ANOTHER person's data, by role. A viewer always sees their own data in full.
 * Scope conditions (an officer's own community, a registrar's own registers) narrow these rows
 * further in the silo that knows the relation.
 */
export const OTHERS_POLICY: Record<Role, Row> = {
  RESIDENT: all("DENIED"),
  GUARDIAN: { ...all("MASKED"), PHONE: "DENIED", BIRTH_DATE: "DENIED", ADDRESS: "DENIED" },
  REGISTRAR: { ...all("MASKED"), PHONE: "DENIED", BIRTH_DATE: "DENIED", ADDRESS: "DENIED" },
  SAMPLER: { ...all("MASKED"), BIRTH_DATE: "DENIED", ADDRESS: "DENIED" },
  LAB: all("DENIED"),
  COMMUNITY_OFFICER: { NAME: "FULL", ID_NUMBER: "MASKED", PHONE: "FULL", BIRTH_DATE: "DENIED", ADDRESS: "MASKED" },
  EPIDEMIOLOGIST: all("FULL"),
  AUDITOR: { ...all("PSEUDONYM"), BIRTH_DATE: "MASKED", ADDRESS: "MASKED" },
  APP: all("MASKED"),
};

/** Decides what `viewer` may see of a `kind` field that belongs to `ownerId`. */
export function decideDisclosure(viewer: Viewer, kind: PiiKind, ownerId: string | undefined): Disclosure {
  if (ownerId !== undefined && viewer.subject === ownerId && viewer.role !== "AUDITOR") return "FULL";
  const decided = OTHERS_POLICY[viewer.role][kind];
  // A CDC epidemiologist's full view exists only for a stated investigation purpose.
  if (viewer.role === "EPIDEMIOLOGIST" && decided === "FULL" && !viewer.purpose) return "MASKED";
  return decided;
}
