// Who sees which personal data. One table decides, per role and kind of data, what a field
// returns when it belongs to someone other than the viewer; a scope condition per role says
// whose data the row applies to. docs/privacy.md shows the table in words.
import type { Role, Viewer } from "../auth/viewer";

export const PII_KINDS = ["NAME", "ID_NUMBER", "PHONE", "BIRTH_DATE", "ADDRESS", "FREE_TEXT"] as const;
export type PiiKind = (typeof PII_KINDS)[number];
export const DISCLOSURES = ["FULL", "MASKED", "GENERALISED", "PSEUDONYM", "DENIED"] as const;
export type Disclosure = (typeof DISCLOSURES)[number];

type Row = Record<PiiKind, Disclosure>;
const all = (d: Disclosure): Row => ({ NAME: d, ID_NUMBER: d, PHONE: d, BIRTH_DATE: d, ADDRESS: d, FREE_TEXT: d });

/** Disclosure of ANOTHER person's data, by role, for a person inside the role's scope. */
export const OTHERS_POLICY: Record<Role, Row> = {
  RESIDENT: all("DENIED"),
  GUARDIAN: { ...all("MASKED"), PHONE: "DENIED", BIRTH_DATE: "DENIED", ADDRESS: "DENIED", FREE_TEXT: "DENIED" },
  REGISTRAR: { ...all("MASKED"), PHONE: "DENIED", BIRTH_DATE: "DENIED", ADDRESS: "DENIED", FREE_TEXT: "DENIED" },
  SAMPLER: { ...all("MASKED"), BIRTH_DATE: "DENIED", ADDRESS: "DENIED", FREE_TEXT: "DENIED" },
  LAB: all("DENIED"),
  // Free text about a resident (an appeal's reason, a cause's detail) is the deciding officer's to
  // read, in full and audited, like the resident's name and phone.
  COMMUNITY_OFFICER: { NAME: "FULL", ID_NUMBER: "MASKED", PHONE: "FULL", BIRTH_DATE: "DENIED", ADDRESS: "MASKED", FREE_TEXT: "FULL" },
  EPIDEMIOLOGIST: all("FULL"),
  // Auditors count and join, never identify: identifiers become pseudonyms, quasi-identifiers
  // are generalised (birth date → age band, address → district), free text is redacted to its length.
  AUDITOR: { ...all("PSEUDONYM"), BIRTH_DATE: "GENERALISED", ADDRESS: "GENERALISED", FREE_TEXT: "GENERALISED" },
  // Masked free text: the identifiers found inside it are masked (kernel/identity/freeText.ts).
  APP: all("MASKED"),
};

/**
 * Whose data each role's row applies to. A silo that knows the relation checks it (a community
 * officer's community in health-code, a sampler's site in testing, a guardian's verified binding
 * in health-code); out of scope is DENIED. Where a silo cannot know the relation, the silo that
 * does scoped the path by which the person was reached (a registrar reaches visitors only
 * through their own registers' check-ins).
 */
export const SCOPE: Record<Role, string> = {
  RESIDENT: "self only",
  GUARDIAN: "own wards, after a face-verified binding",
  REGISTRAR: "visitors of own registers",
  SAMPLER: "persons swabbed at own site",
  LAB: "none (tubes and results only)",
  COMMUNITY_OFFICER: "residents of own community",
  EPIDEMIOLOGIST: "city, with a stated purpose (audited)",
  AUDITOR: "city, de-identified, read-only",
  APP: "by granted scopes",
};

/** The person a value belongs to, as far as the owning silo knows. */
export interface Owner {
  id: string | undefined;
  /** True/false when the owning silo checked the viewer's scope; undefined when it cannot know. */
  inScope?: boolean;
}

/** The APP scope that raises one kind to FULL for a service account (audited like any FULL). */
export const appFullScope = (kind: PiiKind): string => `pii:${kind}`;

/** Decides what `viewer` may see of a `kind` field that belongs to `owner`. */
export function decideDisclosure(viewer: Viewer, kind: PiiKind, owner: Owner): Disclosure {
  const self = owner.id !== undefined && viewer.subject === owner.id;
  // An auditor sees de-identified data only, their own record included.
  if (self && viewer.role !== "AUDITOR") return "FULL";
  if (owner.inScope === false) return "DENIED";
  const decided = OTHERS_POLICY[viewer.role][kind];
  if (viewer.role === "APP" && viewer.scopes?.includes(appFullScope(kind))) return "FULL";
  // A CDC epidemiologist's full view exists only for a stated investigation purpose.
  if (viewer.role === "EPIDEMIOLOGIST" && decided === "FULL" && !viewer.purpose) return "MASKED";
  return decided;
}

/**
 * How a disclosure of a field is entered in the audit log, or null when it is not: every read of
 * another person's data is, so an auditor's (pseudonymous) trail and a registrar's masked views
 * are reviewable too. A full view is entered as `Type.field`; any other as `Type.field:MASKED`
 * (or PSEUDONYM, GENERALISED). Own data and refusals are not entered.
 */
export function auditEntry(viewer: Viewer, owner: Owner, disclosure: Disclosure, coordinate: string): string | null {
  if (disclosure === "DENIED") return null;
  if (owner.id !== undefined && owner.id === viewer.subject && viewer.role !== "AUDITOR") return null;
  return disclosure === "FULL" ? coordinate : `${coordinate}:${disclosure}`;
}
