// Checks the operation's cost and list arguments after validation, with the request's
// variables, and before the gateway plans it: a refused operation costs no planning.
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { Kind, parse, type FragmentDefinitionNode } from "graphql";
import type { OperationLimits } from "./config";
import { operationCost } from "./cost";
import { limitExceeded } from "./errors";

/** Names of the supergraph's entity types: those with a federation key in some subgraph. */
export function entityTypes(supergraphSdl: string): Set<string> {
  const names = new Set<string>();
  for (const def of parse(supergraphSdl, { noLocation: true }).definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    const keyed = def.directives?.some((d) => d.name.value === "join__type" && d.arguments?.some((a) => a.name.value === "key"));
    if (keyed) names.add(def.name.value);
  }
  return names;
}

/** The longest list anywhere in a request's variables (literal lists are bounded by the token limit). */
export function longestList(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((m: number, v) => Math.max(m, longestList(v)), value.length);
  if (value !== null && typeof value === "object") return Object.values(value).reduce((m: number, v) => Math.max(m, longestList(v)), 0);
  return 0;
}

/** The plugin that refuses over-budget operations and out-of-bounds `first`/`last`. */
export function operationLimitsPlugin<C extends BaseContext>(limits: OperationLimits, entities: ReadonlySet<string>): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, schema }) {
          if (!operation) return;
          const longest = longestList(request.variables);
          if (limits.enabled && longest > limits.maxInputListItems) {
            throw limitExceeded("inputListItems", limits.maxInputListItems, `A list in this request's variables has ${longest} items, over ${limits.maxInputListItems} (a result upload carries at most that many).`);
          }
          const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
          const { cost, hops } = operationCost({ schema, operation, fragments, variables: request.variables ?? {}, entities, limits });
          if (!limits.enabled) return;
          if (cost > limits.maxCost) {
            throw limitExceeded("cost", limits.maxCost, `This operation's estimated cost is over ${limits.maxCost} (lists multiply what they select; entities from other silos add a hop each).`);
          }
          if (hops > limits.maxEntityHops) {
            throw limitExceeded("entityHops", limits.maxEntityHops, `This operation reaches entities more than ${limits.maxEntityHops} times (each is a further subgraph fetch to plan).`);
          }
        },
      };
    },
  };
}
