// Small walks over selection sets shared by the limit rules.
import { Kind, type FragmentDefinitionNode, type SelectionSetNode } from "graphql";

/** Root fields of a selection set (aliases counted), through fragments, each fragment once. */
export function rootFieldCount(set: SelectionSetNode, fragment: (name: string) => FragmentDefinitionNode | undefined, seen = new Set<string>()): number {
  let count = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) count += sel.name.value.startsWith("__") ? 0 : 1;
    else if (sel.kind === Kind.INLINE_FRAGMENT) count += rootFieldCount(sel.selectionSet, fragment, seen);
    else if (!seen.has(sel.name.value)) {
      seen.add(sel.name.value);
      const def = fragment(sel.name.value);
      if (def) count += rootFieldCount(def.selectionSet, fragment, seen);
    }
  }
  return count;
}
