// Hostile operations, built small: each is a few KB at most and aims at one weakness (a fragment
// tree that multiplies selections, deep nesting, many aliases, huge documents, bad scalars).

/** A tree of aliased fragments over Person → checkIns → person: each level doubles the selections. */
export function fragmentTree(levels: number): string {
  const fragments: string[] = [];
  for (let i = 0; i < levels; i++) {
    const next = i + 1 < levels ? `...F${i + 1}` : "id name";
    fragments.push(`fragment F${i} on Person { a: checkIns(last: 50) { person { ${next} } } b: checkIns(last: 49) { person { ${next} } } }`);
  }
  return `query Tree { me { ...F0 } }\n${fragments.join("\n")}`;
}

/** `me { checkIns { person { checkIns { person … } } } }`, `depth` levels deep. */
export function deepQuery(depth: number): string {
  let inner = "id";
  for (let i = depth - 1; i >= 0; i--) inner = i % 2 === 0 ? `person { ${inner} }` : `checkIns(last: 1) { ${inner} }`;
  return `query Deep { me { checkIns(last: 1) { ${inner} } } }`;
}

/** `count` aliases of one field. */
export function manyAliases(count: number): string {
  const fields = Array.from({ length: count }, (_, i) => `a${i}: id`).join(" ");
  return `query Aliases { me { ${fields} } }`;
}

/** A document with `count` anonymous operations. */
export function manyOperations(count: number): string {
  return Array.from({ length: count }, () => "{ me { id } }").join("\n");
}

/** `count` inline fragments, each carrying one directive. */
export function manyDirectives(count: number): string {
  return `query Directives { me { ${Array.from({ length: count }, () => "... @include(if: true) { id }").join(" ")} } }`;
}

/** Lists inside lists: `levels` of check-ins → register → check-ins, each asking for 200. Few hops, huge fan-out. */
export function fanOut(levels: number): string {
  let inner = "id";
  for (let i = 0; i < levels; i++) inner = `checkIns(last: 200) { register { ${inner} } }`;
  return `query FanOut { me { ${inner} } }`;
}

/** `aliases` copies of `me` with check-ins → person chains as deep as the depth limit allows: many entity hops, no fan-out. */
export function manyHops(aliases: number): string {
  let inner = "id";
  for (let i = 0; i < 5; i++) inner = `checkIns(last: 1) { person { ${inner} } }`;
  return `query Hops { ${Array.from({ length: aliases }, (_, i) => `m${i}: me { ${inner} }`).join(" ")} }`;
}
