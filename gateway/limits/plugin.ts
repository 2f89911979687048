// Checks the operation's cost and list arguments after validation, with the request's
// variables, and before the gateway plans it: a refused operation costs no planning.
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { Kind, parse, visit, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
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

/** Names of the variables given to a `first` or `last` argument anywhere in the document. */
function listSizeVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(node) {
      if ((node.name.value === "first" || node.name.value === "last") && node.value.kind === Kind.VARIABLE) names.add(node.value.name.value);
      else if (node.name.value === "first" || node.name.value === "last") visit(node.value, { Variable: (v) => void names.add(v.name.value) });
    },
  });
  return [...names];
}

interface KnownCosts {
  schema: GraphQLSchema;
  /** The variables a cost depends on (only list sizes read variables). */
  variables: string[];
  /** Cost and hops by the JSON of those variables' values (bounded). */
  byValues: Map<string, { cost: number; hops: number }>;
}

/** Costs remembered per operation and variable key: a repeated query text is parsed to the same nodes (Apollo Server's document cache). */
const KNOWN_PER_OPERATION = 64;

/** The plugin that refuses over-budget operations and out-of-bounds `first`/`last`. */
export function operationLimitsPlugin<C extends BaseContext>(limits: OperationLimits, entities: ReadonlySet<string>): ApolloServerPlugin<C> {
  // The cost of an operation depends on its nodes, the schema and the variables of its list sizes:
  // the same operation with the same such variables costs the same, so it is walked once.
  const known = new WeakMap<OperationDefinitionNode, KnownCosts>();
  const costOf = (schema: GraphQLSchema, operation: OperationDefinitionNode, document: DocumentNode, variables: Record<string, unknown>) => {
    let entry = known.get(operation);
    if (!entry || entry.schema !== schema) known.set(operation, (entry = { schema, variables: listSizeVariables(document), byValues: new Map() }));
    const key = entry.variables.length === 0 ? "" : JSON.stringify(entry.variables.map((v) => variables[v] ?? null));
    const hit = entry.byValues.get(key);
    if (hit) return hit;
    const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
    // Throws BAD_USER_INPUT for an out-of-bounds list size: nothing is remembered then.
    const result = operationCost({ schema, operation, fragments, variables, entities, limits });
    if (entry.byValues.size >= KNOWN_PER_OPERATION) entry.byValues.delete(entry.byValues.keys().next().value as string);
    entry.byValues.set(key, result);
    return result;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, schema }) {
          if (!operation) return;
          const longest = longestList(request.variables);
          if (limits.enabled && longest > limits.maxInputListItems) {
            throw limitExceeded("inputListItems", limits.maxInputListItems, `A list in this request's variables has ${longest} items, over ${limits.maxInputListItems} (a result upload carries at most that many).`);
          }
          const { cost, hops } = costOf(schema, operation, document, request.variables ?? {});
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
