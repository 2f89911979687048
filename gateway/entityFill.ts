// What a subgraph that cannot be reached "answers" to an entity fetch: every entity it was asked
// for, with null for each field asked of it. That is what the subgraph itself would return if each
// of those field resolvers had failed, and it matters for @requires: a field another subgraph
// requires is then present as null (the requiring subgraph decides what null means) instead of
// missing, which would make the gateway skip the requiring fetch and null its field too.
import { Kind, type DocumentNode, type SelectionSetNode } from "graphql";

/** Fields selected per type name under `_entities` (response names, __typename excluded). */
function entitySelections(document: DocumentNode): Map<string, string[]> {
  const byType = new Map<string, string[]>();
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const sel of def.selectionSet.selections) {
      if (sel.kind !== Kind.FIELD || sel.name.value !== "_entities" || !sel.selectionSet) continue;
      collect(sel.selectionSet, undefined, byType);
    }
  }
  return byType;
}

function collect(set: SelectionSetNode, type: string | undefined, byType: Map<string, string[]>): void {
  for (const sel of set.selections) {
    if (sel.kind === Kind.INLINE_FRAGMENT && sel.typeCondition) collect(sel.selectionSet, sel.typeCondition.name.value, byType);
    else if (sel.kind === Kind.FIELD && type && sel.name.value !== "__typename") {
      const fields = byType.get(type) ?? [];
      fields.push(sel.alias?.value ?? sel.name.value);
      byType.set(type, fields);
    }
  }
}

/** `{ _entities: [...] }` with one all-null entity per representation, in order. */
export function entityFill(document: DocumentNode, representations: Array<Record<string, unknown>>): { _entities: Array<Record<string, unknown>> } {
  const byType = entitySelections(document);
  return {
    _entities: representations.map((r) => {
      const typename = String(r.__typename);
      return Object.fromEntries([["__typename", typename], ...(byType.get(typename) ?? []).map((f) => [f, null])]);
    }),
  };
}
