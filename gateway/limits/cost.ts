// The cost estimate of an operation, computed before planning with the request's variables: each
// field costs 1, times the sizes of the lists above it (`first`/`last`, or a default for lists
// without one), and a field returning an entity costs a hop more, since the gateway fetches it
// from another silo. graphql-armor's cost rule ignores list sizes, so this walk is our own.
// Entity hops are also counted once each, without list sizes: they are what query planning costs.
// It also checks `first`/`last` bounds, which hold even when the limits are off.
import { AUDIT_PAGE_CAP } from "../../kernel/privacy/audit";
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

class OverBudget extends Error {
  constructor(readonly tally: Tally) {
    super("over budget");
  }
}

/** Cost at multiplier 1, and entity fields counted once each (fragments expanded, lists not multiplied). */
interface Tally {
  cost: number;
  hops: number;
}

function badListArgument(field: string, arg: string, value: unknown, max: number): GraphQLError {
  return new GraphQLError(`The argument "${arg}" of ${field} must be a whole number from 1 to ${max} (got ${JSON.stringify(value)}).`, {
    extensions: { code: "BAD_USER_INPUT", argument: arg, field, http: { status: 400 } },
  });
}

/**
 * Types whose lists page by their own documented cap rather than the general one: the audit
 * logs, which an auditor reviews in pages of up to AUDIT_PAGE_CAP records (with `since`).
 */
const OWN_LIST_CAPS: Record<string, number> = { DisclosureAudit: AUDIT_PAGE_CAP };

/** The list size a field asks for, after checking its `first`/`last` argument's bounds. */
function listSize(input: CostInput, parent: GraphQLCompositeType, def: GraphQLField<unknown, unknown>, node: FieldNode): number | undefined {
  for (const name of LIST_ARGUMENTS) {
    const argDef = def.args.find((a) => a.name === name);
    if (!argDef) continue;
    const argNode = node.arguments?.find((a) => a.name.value === name);
    const value = argNode ? valueFromAST(argNode.value, argDef.type, input.variables) : argDef.defaultValue;
    if (value === undefined || value === null) continue;
    const max = Math.max(input.limits.maxListArgument, OWN_LIST_CAPS[parent.name] ?? 0);
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
      throw badListArgument(`${parent.name}.${def.name}`, name, value, max);
    }
    return value;
  }
  return undefined;
}

/** Cost and entity hops of one selection set; fragments are tallied once and reused (both are linear). */
function tally(input: CostInput, parent: GraphQLCompositeType, set: SelectionSetNode, memo: Map<string, Tally>): Tally {
  const total: Tally = { cost: 0, hops: 0 };
  const add = (t: Tally, times = 1) => {
    total.cost += t.cost * times;
    total.hops += t.hops;
  };
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (sel.name.value.startsWith("__") || !("getFields" in parent)) { total.cost += 1; continue; }
      const def = parent.getFields()[sel.name.value];
      if (!def) continue;
      const type = getNullableType(def.type);
      const named = getNamedType(def.type);
      const size = isListType(type) ? (listSize(input, parent, def, sel) ?? input.limits.defaultListSize) : (listSize(input, parent, def, sel), 1);
      const entity = input.entities.has(named.name);
      const child = sel.selectionSet && isCompositeType(named) ? tally(input, named, sel.selectionSet, memo) : { cost: 0, hops: 0 };
      add({ cost: 1 + (entity ? input.limits.entityHopCost : 0) + child.cost, hops: (entity ? 1 : 0) + child.hops }, size);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const on = sel.typeCondition ? typeFromAST(input.schema, sel.typeCondition) : parent;
      add(tally(input, on && isCompositeType(on) ? on : parent, sel.selectionSet, memo));
    } else {
      const name = sel.name.value;
      let fragment = memo.get(name);
      if (fragment === undefined) {
        const def = input.fragments.get(name);
        const on = def && typeFromAST(input.schema, def.typeCondition);
        fragment = def ? tally(input, on && isCompositeType(on) ? on : parent, def.selectionSet, memo) : { cost: 0, hops: 0 };
        memo.set(name, fragment);
      }
      add(fragment);
    }
    if (input.limits.enabled && (total.cost > input.limits.maxCost || total.hops > input.limits.maxEntityHops)) throw new OverBudget(total);
  }
  return total;
}

/**
 * The operation's estimated cost and entity hops; once either passes its limit the walk stops and
 * returns what it had counted (at least one over its limit). Throws BAD_USER_INPUT for
 * out-of-bounds list arguments.
 */
export function operationCost(input: CostInput): Tally {
  const root = input.schema.getRootType(input.operation.operation);
  if (!root) return { cost: 0, hops: 0 };
  try {
    return tally(input, root, input.operation.selectionSet, new Map());
  } catch (err) {
    if (err instanceof OverBudget) return err.tally;
    throw err;
  }
}
