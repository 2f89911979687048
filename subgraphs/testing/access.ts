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

/** A person's own tests, or an epidemiologist's or auditor's view; anyone else is refused. */
export function assertMayReadTests(viewer: Viewer, personId: string): void {
  if (viewer.subject === personId || viewer.role === "EPIDEMIOLOGIST" || viewer.role === "AUDITOR") return;
  throw fail("FORBIDDEN", "Your role may not see this person's tests.");
}
