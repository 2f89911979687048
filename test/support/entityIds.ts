// The id a viewer is given for a record, as the silos serve it (kernel/privacy/entityIds.ts):
// internal keys for most roles, per-audience encrypted ids for auditors, apps and registrars.
import type { Viewer } from "../../kernel/auth/viewer";
import { audienceOf, entityKeyring } from "../../kernel/privacy/entityKeys";
import type { TestGraph } from "./graph";

/** The id `viewer` sees for the internal key `id` of `type` in `graph`. */
export function idFor(graph: Pick<TestGraph, "secrets">, viewer: Pick<Viewer, "role">, type: string, id: string): string {
  const audience = audienceOf(viewer);
  return audience ? entityKeyring(graph.secrets.pepper).encode(audience, type, id) : id;
}

/** The internal key behind an id `viewer` was given (what the silos do for `_entities`); null when it is not theirs. */
export function internalIdOf(graph: Pick<TestGraph, "secrets">, viewer: Pick<Viewer, "role">, type: string, id: string | null): string | null {
  if (id === null) return null;
  const audience = audienceOf(viewer);
  return audience ? entityKeyring(graph.secrets.pepper).decode(audience, type, id) : id;
}
