// Who may do what in the testing silo, in words a person at a desk understands.
import type { Viewer } from "../../kernel/auth/viewer";
import { fail } from "../../kernel/runtime/errors";

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
