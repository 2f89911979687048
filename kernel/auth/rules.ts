// graphql-shield rules every silo shares, and the one way a silo applies its permissions map:
// `fallbackRule: deny`, denials as FORBIDDEN naming the field (never a value), and resolvers'
// own errors passed through so a real error is never disguised as a denial.
import { isObjectType, type GraphQLError, type GraphQLFieldResolver, type GraphQLResolveInfo, type GraphQLSchema } from "graphql";
import { applyMiddleware } from "graphql-middleware";
import { allow, deny, rule, shield } from "graphql-shield";
import type { IRule, IRules } from "graphql-shield";
import { refusal } from "../runtime/errors";
import { mayCallRoot } from "./access";
import type { Role, Viewer } from "./viewer";

interface RuleContext {
  viewer: Viewer;
}

/** The denial every silo returns: the field's coordinate, the code, nothing about anyone. */
export function forbiddenField(info: Pick<GraphQLResolveInfo, "parentType" | "fieldName">): GraphQLError {
  return refusal("FORBIDDEN", `Your role may not read or call ${info.parentType.name}.${info.fieldName} here.`);
}

const rootRules = new Map<string, IRule>();
/** The rule of a root field: its ROOT_ACCESS entry (the same table the gateway checks). */
export function rootRule(coordinate: string): IRule {
  let r = rootRules.get(coordinate);
  if (!r) rootRules.set(coordinate, (r = rule(`root:${coordinate}`, { cache: "contextual" })((_p, _a, ctx: RuleContext) => mayCallRoot(ctx.viewer, coordinate))));
  return r;
}

/** A rule that admits the listed roles only. */
export function rolesRule(name: string, roles: readonly Role[]): IRule {
  return rule(name, { cache: "contextual" })((_p, _a, ctx: RuleContext) => roles.includes(ctx.viewer.role));
}

/** A rule on a Person field: the person themself, or one of `roles`. */
export function selfOrRoles(name: string, roles: readonly Role[]): IRule {
  return rule(name, { cache: "no_cache" })((parent: { id?: string }, _a, ctx: RuleContext) => {
    const { subject, role } = ctx.viewer;
    return (subject !== undefined && parent?.id === subject) || roles.includes(role);
  });
}

export { allow, deny };

/** The rule a map gives one field: the field's own, the type's "*", the type's rule, or undefined (fallback). */
function ruleOf(rules: IRules, type: string, field: string): unknown {
  const entry = (rules as Record<string, unknown>)[type];
  if (entry === undefined || entry === null) return undefined;
  if (typeof entry === "object" && !("resolve" in entry)) {
    const fields = entry as Record<string, unknown>;
    return fields[field] ?? fields["*"];
  }
  return entry;
}

/** Wraps a subgraph schema with its permissions map (what `SubgraphDefinition.protect` expects). */
export function protectWith(rules: IRules): (schema: GraphQLSchema) => GraphQLSchema {
  const permissions = shield(rules, {
    fallbackRule: deny,
    allowExternalErrors: true,
    fallbackError: (_err, _parent, _args, _ctx, info) => forbiddenField(info),
  } as Parameters<typeof shield>[1]);
  return (schema) => {
    const original = new Map<string, GraphQLFieldResolver<unknown, unknown> | undefined>();
    for (const type of Object.values(schema.getTypeMap())) {
      if (isObjectType(type)) for (const field of Object.values(type.getFields())) original.set(`${type.name}.${field.name}`, field.resolve);
    }
    const guarded = applyMiddleware(schema, permissions);
    // A field whose rule is `allow` gets its own resolver back: the middleware would only add a
    // promise per field for a rule that always passes (bench/auth.ts measures the difference).
    // Every other field, and every field the map does not name, stays behind its rule or deny.
    for (const type of Object.values(guarded.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith("__")) continue;
      for (const field of Object.values(type.getFields())) {
        if (ruleOf(rules, type.name, field.name) === allow) field.resolve = original.get(`${type.name}.${field.name}`);
      }
    }
    return guarded;
  };
}
