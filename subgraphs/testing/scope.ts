// Whose tubes and swabs a viewer's role reaches, as far as the testing silo can tell: it knows
// every tube's site and every site's agency.
import type { TestingContext } from "./context";
import { viewerBound } from "./access";

/** True/false when the site is inside/outside the viewer's scope; undefined when the role has no site scope. */
export async function siteInScope(siteId: string, ctx: TestingContext): Promise<boolean | undefined> {
  const { role, siteId: ownSite, agencyId } = ctx.viewer;
  if (role === "SAMPLER") return ownSite !== undefined && ownSite === siteId && (await viewerBound(ctx));
  if (role === "LAB") return agencyId !== undefined && (await ctx.loaders.site.load(siteId))?.agencyId === agencyId && (await viewerBound(ctx));
  return undefined;
}

/**
 * Scope of a swab's personal fields: a sampler sees (masked) those swabbed at their own site;
 * an officer, guardian, registrar or lab reads personal data from health-code, never here.
 */
export async function swabInScope(swab: { tubeId: string; personId: string }, ctx: TestingContext): Promise<boolean | undefined> {
  switch (ctx.viewer.role) {
    case "SAMPLER": {
      const tube = await ctx.loaders.tube.load(swab.tubeId);
      const box = tube && (await ctx.loaders.box.load(tube.boxId));
      return box ? siteInScope(box.siteId, ctx) : false;
    }
    case "COMMUNITY_OFFICER":
    case "GUARDIAN":
    case "REGISTRAR":
    case "LAB":
    case "RESIDENT":
      return false;
    default:
      return undefined;
  }
}
