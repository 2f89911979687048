// Rules on a client token's verified claims, beyond its signature: a token may not live longer
// than a maximum lifetime (a stolen ten-year token is a ten-year breach), and a role that sees
// other people's data in full must name the human behind it (`sub`), so every full view lands in
// the audit log with a viewer. Runs after the signature check, whatever the signing scheme.
import { GraphQLError } from "graphql";
import type { Viewer } from "./viewer";

/** Default maximum lifetime of a client token: one working day. */
export const MAX_TOKEN_LIFETIME_SECONDS = 24 * 3600;

/** Roles that see other persons' names, ID numbers or phones in full (kernel/privacy/policy.ts). */
const FULL_VIEW_ROLES = new Set<Viewer["role"]>(["RESIDENT", "GUARDIAN", "COMMUNITY_OFFICER", "EPIDEMIOLOGIST"]);

function refused(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}

/** True when the viewer may see someone's personal data in full, so must carry a subject. */
function needsSubject(viewer: Viewer): boolean {
  if (FULL_VIEW_ROLES.has(viewer.role)) return true;
  return viewer.role === "APP" && (viewer.scopes ?? []).some((s) => s.startsWith("pii:"));
}

/** Throws UNAUTHENTICATED when verified claims break the lifetime or subject rules. */
export function checkTokenClaims(claims: Record<string, unknown>, viewer: Viewer, maxLifetimeSeconds = MAX_TOKEN_LIFETIME_SECONDS, nowSeconds = Math.floor(Date.now() / 1000)): void {
  const exp = typeof claims.exp === "number" ? claims.exp : undefined;
  const iat = typeof claims.iat === "number" ? claims.iat : undefined;
  // Without `iat` the lifetime is measured from now: what is left must still fit the maximum.
  const lifetime = exp === undefined ? Infinity : exp - Math.min(iat ?? nowSeconds, nowSeconds);
  if (lifetime > maxLifetimeSeconds) {
    throw refused(`Your token is valid for longer than this service allows (${maxLifetimeSeconds / 3600} hours): ask for a shorter-lived token.`);
  }
  if (needsSubject(viewer) && !viewer.subject) {
    throw refused(`A ${viewer.role} token must name its holder (sub), since every full view of another person's data is audited: ask for a token with a subject.`);
  }
}
