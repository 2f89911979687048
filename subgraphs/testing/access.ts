// Who may do what in the testing silo, in words a person at a desk understands.
import type { Viewer } from "../../kernel/auth/viewer";
import { fail } from "../../kernel/runtime/errors";
import { ConfigError } from "../../kernel/config/env";
import type { TestingContext } from "./context";

/** The sampler's own site, or FORBIDDEN. */
export function samplerSite(viewer: Viewer): string {
  if (viewer.role !== "SAMPLER" || !viewer.siteId) throw fail("FORBIDDEN", "Only a sampler signed in at a sampling site may do this.");
  return viewer.siteId;
}

/** The lab's own agency, or FORBIDDEN. */
export function labAgency(viewer: Viewer): string {
  if (viewer.role !== "LAB" || !viewer.agencyId) throw fail("FORBIDDEN", "Only a lab signed in for a testing agency may record results.");
  return viewer.agencyId;
}

/**
 * Whether staff bindings are checked: enforced unless TESTING_STAFF_BINDINGS=off, which is for
 * local development against data without binding rows only and is refused in production.
 */
export function bindingsFromEnv(env: NodeJS.ProcessEnv): boolean {
  const raw = env.TESTING_STAFF_BINDINGS;
  if (raw === undefined || raw === "" || raw === "enforce") return true;
  if (raw !== "off") throw new ConfigError(`TESTING_STAFF_BINDINGS must be "enforce" or "off" (got "${raw}").`);
  if (env.NODE_ENV === "production") throw new ConfigError("TESTING_STAFF_BINDINGS=off is for local development only: production always checks staff bindings.");
  return false;
}

/** True when the viewer has a live binding to the site (SAMPLER) or agency (LAB). */
async function bound(ctx: TestingContext, role: "SAMPLER" | "LAB", place: { siteId?: string; agencyId?: string }): Promise<boolean> {
  if (!ctx.viewer.subject) return false;
  const n = await ctx.prisma.staffBinding.count({ where: { personId: ctx.viewer.subject, role, revokedAt: null, ...place } });
  return n > 0;
}

const boundOnce = new WeakMap<TestingContext, Promise<boolean>>();

/**
 * Whether a SAMPLER's or LAB's token is backed by a live binding to the site or agency it names
 * (true when bindings are not enforced, and for every other role); checked once per request.
 * Reads of tubes and boxes go through it, so an unbound token reaches nothing.
 */
export function viewerBound(ctx: TestingContext): Promise<boolean> {
  const { role, siteId, agencyId } = ctx.viewer;
  if (!ctx.enforceBindings || (role !== "SAMPLER" && role !== "LAB")) return Promise.resolve(true);
  let p = boundOnce.get(ctx);
  if (!p) {
    p = role === "SAMPLER" ? (siteId ? bound(ctx, "SAMPLER", { siteId }) : Promise.resolve(false)) : agencyId ? bound(ctx, "LAB", { agencyId }) : Promise.resolve(false);
    boundOnce.set(ctx, p);
  }
  return p;
}

/** The sampler's site, checked against the silo's own bindings when they are enforced. */
export async function boundSamplerSite(ctx: TestingContext): Promise<string> {
  const siteId = samplerSite(ctx.viewer);
  if (ctx.enforceBindings && !(await bound(ctx, "SAMPLER", { siteId }))) {
    throw fail("FORBIDDEN", "You are not registered as a sampler at this site: ask the agency to bind you to it.", { reason: "NOT_BOUND_TO_SITE" });
  }
  return siteId;
}

/** The lab member's agency, checked against the silo's own bindings when they are enforced. */
export async function boundLabAgency(ctx: TestingContext): Promise<string> {
  const agencyId = labAgency(ctx.viewer);
  if (ctx.enforceBindings && !(await bound(ctx, "LAB", { agencyId }))) {
    throw fail("FORBIDDEN", "You are not registered as lab staff of this agency: ask the agency to bind you to it.", { reason: "NOT_BOUND_TO_AGENCY" });
  }
  return agencyId;
}
