// Whose data a viewer's role reaches, as far as the health-code silo can tell: it holds each
// resident's community and the guardians' bindings, so it checks those scopes itself.
import type { HealthCodeContext } from "./context";

/**
 * True: the person is inside the viewer's scope; false: outside it (their personal fields are
 * DENIED); undefined: this silo cannot know the relation (a registrar's visitors), so the scope
 * was enforced where the person was reached.
 */
export async function personInScope(personId: string, ctx: HealthCodeContext): Promise<boolean | undefined> {
  const { role, subject, community } = ctx.viewer;
  if (subject !== undefined && subject === personId) return true;
  switch (role) {
    case "RESIDENT":
    case "LAB":
      return false;
    case "GUARDIAN":
      return (await ctx.loaders.verifiedWard.load(personId)) !== null;
    case "COMMUNITY_OFFICER": {
      if (!community) return false;
      return (await ctx.loaders.resident.load(personId))?.community === community;
    }
    default:
      return undefined;
  }
}
