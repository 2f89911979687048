// Whose free text a viewer's role reaches in the appeals silo: an appeal (and its evidence) belongs
// to its appellant and is filed under the community on their health-code record.
import type { AppealsContext } from "./context";
import { officerOf } from "./resolvers/Appeal";

/** What scope needs of an appeal (or of its evidence and attachments, which carry their appeal's). */
export interface AppealScope { personId: string; community: string; filedBy?: string | null; district?: string | null; escalatedAt?: Date | null }

/** True/false inside/outside the viewer's scope; undefined for city-wide roles (the policy row decides). */
export async function appealInScope(parent: AppealScope, ctx: AppealsContext): Promise<boolean | undefined> {
  const { role, subject, community } = ctx.viewer;
  if (subject !== undefined && subject === parent.personId) return true;
  // The guardian who filed for a ward: their own words, read under the guardian's policy row.
  if (subject !== undefined && subject === parent.filedBy) return true;
  switch (role) {
    case "COMMUNITY_OFFICER":
      return officerOf({ community: parent.community, district: parent.district ?? null, escalatedAt: parent.escalatedAt ?? null }, ctx.viewer);
    case "EPIDEMIOLOGIST":
    case "AUDITOR":
    case "APP":
      return undefined;
    default:
      return false;
  }
}
