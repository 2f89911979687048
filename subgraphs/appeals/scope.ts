// Whose free text a viewer's role reaches in the appeals silo: an appeal (and its evidence) belongs
// to its appellant and is filed under the community on their health-code record.
import type { AppealsContext } from "./context";

/** True/false inside/outside the viewer's scope; undefined for city-wide roles (the policy row decides). */
export async function appealInScope(parent: { personId: string; community: string; filedBy?: string | null }, ctx: AppealsContext): Promise<boolean | undefined> {
  const { role, subject, community } = ctx.viewer;
  if (subject !== undefined && subject === parent.personId) return true;
  // The guardian who filed for a ward: their own words, read under the guardian's policy row.
  if (subject !== undefined && subject === parent.filedBy) return true;
  switch (role) {
    case "COMMUNITY_OFFICER":
      return community !== undefined && community === parent.community;
    case "EPIDEMIOLOGIST":
    case "AUDITOR":
    case "APP":
      return undefined;
    default:
      return false;
  }
}
