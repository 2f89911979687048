// Who is asking. The gateway turns a verified bearer token into a Viewer and forwards it to
// every subgraph in a signed header; subgraphs never see the client's token.

export const ROLES = [
  "RESIDENT",
  "GUARDIAN",
  "REGISTRAR",
  "SAMPLER",
  "LAB",
  "COMMUNITY_OFFICER",
  "EPIDEMIOLOGIST",
  "AUDITOR",
  "APP",
] as const;
export type Role = (typeof ROLES)[number];

export interface Viewer {
  role: Role;
  /** Pseudonymous person id of the human behind the token (absent for APP service accounts). */
  subject?: string;
  community?: string;
  venueIds?: string[];
  siteId?: string;
  agencyId?: string;
  /** Stated purpose, required for an epidemiologist's full view (audited). */
  purpose?: string;
  scopes?: string[];
}

/** True when `value` names a known role. */
export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

const STRING_CLAIMS = ["subject", "community", "siteId", "agencyId", "purpose"] as const;

/** Builds a Viewer from verified JWT claims, keeping only known, well-typed claims. */
export function viewerFromClaims(claims: Record<string, unknown>): Viewer | null {
  if (!isRole(claims.role)) return null;
  const viewer: Viewer = { role: claims.role };
  const subject = typeof claims.sub === "string" ? claims.sub : undefined;
  if (subject) viewer.subject = subject;
  for (const key of STRING_CLAIMS) {
    const v = claims[key];
    if (key !== "subject" && typeof v === "string" && v.length > 0) viewer[key] = v;
  }
  for (const key of ["venueIds", "scopes"] as const) {
    const v = claims[key];
    if (Array.isArray(v) && v.every((x) => typeof x === "string")) viewer[key] = v as string[];
  }
  return viewer;
}

/** The claims that carry a Viewer inside a JWT (inverse of viewerFromClaims). */
export function claimsFromViewer(viewer: Viewer): Record<string, unknown> {
  const { subject, ...rest } = viewer;
  return subject ? { ...rest, sub: subject } : { ...rest };
}
