// The cost estimate of an operation, computed before planning with the request's variables: each
// field costs 1, times the sizes of the lists above it (`first`/`last`, or a default for lists
// without one), and a field returning an entity costs a hop more, since the gateway fetches it
// from another silo. graphql-armor's cost rule ignores list sizes, so this walk is our own.
// It also checks `first`/`last` bounds, which hold even when the limits are off.
import {
  GraphQLError, Kind, getNamedType, getNullableType, isCompositeType, isListType, typeFromAST, valueFromAST,
  type FragmentDefinitionNode, type GraphQLCompositeType, type GraphQLField, type GraphQLSchema, type FieldNode,
  type OperationDefinitionNode, type SelectionSetNode,
} from "graphql";
import type { OperationLimits } from "./config";

const LIST_ARGUMENTS = ["first", "last"];

export interface CostInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  /** Names of entity types (types with a federation key). */
  entities: ReadonlySet<string>;
  limits: OperationLimits;
}

class OverBudget extends Error {}

function badListArgument(field: string, arg: string, value: unknown, max: number): GraphQLError {
  return new GraphQLError(`The argument "${arg}" of ${field} must be a whole number from 1 to ${max} (got ${JSON.stringify(value)}).`, {
    extensions: { code: "BAD_USER_INPUT", argument: arg, field, http: { status: 400 } },
  });
}

/** The list size a field asks for, after checking its `first`/`last` argument's bounds. */
function listSize(input: CostInput, parent: GraphQLCompositeType, def: GraphQLField<unknown, unknown>, node: FieldNode): number | undefined {
  for (const name of LIST_ARGUMENTS) {
    const argDef = def.args.find((a) => a.name === name);
    if (!argDef) continue;
    const argNode = node.arguments?.find((a) => a.name.value === name);
    const value = argNode ? valueFromAST(argNode.value, argDef.type, input.variables) : argDef.defaultValue;
    if (value === undefined || value === null) continue;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > input.limits.maxListArgument) {
      throw badListArgument(`${parent.name}.${def.name}`, name, value, input.limits.maxListArgument);
    }
    return value;
  }
  return undefined;
}

/** Cost of one selection set at multiplier 1; fragments are costed once and reused (cost is linear). */
function selectionCost(input: CostInput, parent: GraphQLCompositeType, set: SelectionSetNode, memo: Map<string, number>): number {
  let cost = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (sel.name.value.startsWith("__") || !("getFields" in parent)) { cost += 1; continue; }
      const def = parent.getFields()[sel.name.value];
      if (!def) continue;
      const type = getNullableType(def.type);
      const named = getNamedType(def.type);
      const size = isListType(type) ? (listSize(input, parent, def, sel) ?? input.limits.defaultListSize) : (listSize(input, parent, def, sel), 1);
      const hop = input.entities.has(named.name) ? input.limits.entityHopCost : 0;
      const child = sel.selectionSet && isCompositeType(named) ? selectionCost(input, named, sel.selectionSet, memo) : 0;
      cost += size * (1 + hop + child);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const on = sel.typeCondition ? typeFromAST(input.schema, sel.typeCondition) : parent;
      cost += selectionCost(input, on && isCompositeType(on) ? on : parent, sel.selectionSet, memo);
    } else {
      const name = sel.name.value;
      let fragmentCost = memo.get(name);
      if (fragmentCost === undefined) {
        const fragment = input.fragments.get(name);
        const on = fragment && typeFromAST(input.schema, fragment.typeCondition);
        fragmentCost = fragment ? selectionCost(input, on && isCompositeType(on) ? on : parent, fragment.selectionSet, memo) : 0;
        memo.set(name, fragmentCost);
      }
      cost += fragmentCost;
    }
    if (input.limits.enabled && cost > input.limits.maxCost) throw new OverBudget();
  }
  return cost;
}

/** The operation's estimated cost, or Infinity once it passes maxCost; throws BAD_USER_INPUT for out-of-bounds list arguments. */
export function operationCost(input: CostInput): number {
  const root = input.schema.getRootType(input.operation.operation);
  if (!root) return 0;
  try {
    return selectionCost(input, root, input.operation.selectionSet, new Map());
  } catch (err) {
    if (err instanceof OverBudget) return Infinity;
    throw err;
  }
}
