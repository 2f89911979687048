// Puts the per-audience entity keys (entityKeys.ts) on a subgraph schema: ids that lead back to a
// person are encrypted for the viewer's audience on the way out and decrypted on the way in
// (`_entities` representations and id arguments), so resolvers, loaders, scope checks and
// permission rules only ever see internal keys. Applied last, outside graphql-shield, so rules
// read internal ids too.
import { defaultFieldResolver, isObjectType, type GraphQLFieldResolver, type GraphQLObjectType, type GraphQLSchema } from "graphql";
import { fail } from "../runtime/errors";
import type { Viewer } from "../auth/viewer";
import { audienceOf, type EntityKeyring } from "./entityKeys";

export interface EntityIdContext {
  viewer: Viewer;
  disclosure: { entityKeys: EntityKeyring };
}

/** Where a subgraph's person-leading ids are: key types, other id fields, id arguments. */
export interface EntityIdSpec {
  /** Entity types whose `id` leads back to a person (their `@key(fields: "id")`). */
  types: readonly string[];
  /** Other fields carrying such an id, `Type.field` → the type whose id it is. */
  fields?: Record<string, string>;
  /** Arguments carrying such an id, `Type.field` → argument path (`id`, `input.causeId`) → type. */
  args?: Record<string, Record<string, string>>;
}

type Resolver = GraphQLFieldResolver<unknown, EntityIdContext>;

function wrapOutput(type: GraphQLObjectType, field: string, idType: string): void {
  const def = type.getFields()[field];
  if (!def) throw new Error(`${type.name}.${field} is named as an entity id but is not in the schema`);
  const resolve: Resolver = def.resolve ?? defaultFieldResolver;
  def.resolve = async (parent, args, ctx, info) => {
    const id = await resolve(parent, args, ctx, info);
    const audience = audienceOf(ctx.viewer);
    return audience && typeof id === "string" ? ctx.disclosure.entityKeys.encode(audience, idType, id) : id;
  };
}

/** The internal key behind an id the viewer was given; null when it is not one of theirs. */
function internal(ctx: EntityIdContext, idType: string, id: unknown): string | null {
  const audience = audienceOf(ctx.viewer);
  if (typeof id !== "string") return null;
  return audience ? ctx.disclosure.entityKeys.decode(audience, idType, id) : id;
}

function decodeArgs(args: Record<string, any>, paths: Record<string, string>, ctx: EntityIdContext): Record<string, any> {
  if (!audienceOf(ctx.viewer)) return args;
  const out = structuredClone(args);
  for (const [path, idType] of Object.entries(paths)) {
    const keys = path.split(".");
    const holder = keys.slice(0, -1).reduce<any>((o, k) => o?.[k], out);
    const last = keys[keys.length - 1]!;
    if (!holder || holder[last] == null) continue;
    const id = internal(ctx, idType, holder[last]);
    if (id === null) throw fail("NOT_FOUND", `This ${idType} id was not issued to your role: use the ids this graph gave you.`, { field: path });
    holder[last] = id;
  }
  return out;
}

/** Wraps the schema in place: encrypt ids out, decrypt references and arguments in. */
export function applyEntityIds(schema: GraphQLSchema, spec: EntityIdSpec): void {
  const object = (name: string) => {
    const t = schema.getType(name);
    if (!t || !isObjectType(t)) throw new Error(`${name} is named as an entity type but is not an object type of this schema`);
    return t;
  };
  for (const name of spec.types) {
    const type = object(name);
    wrapOutput(type, "id", name);
    const subgraph = ((type.extensions as any).apollo ??= {}).subgraph ??= {};
    const original = subgraph.resolveReference as ((ref: any, ctx: any, info: any) => unknown) | undefined;
    subgraph.resolveReference = (ref: { id?: unknown }, ctx: EntityIdContext, info: unknown) => {
      const id = internal(ctx, name, ref.id);
      // An id of another audience or type finds nothing, the same as an unknown one.
      if (id === null) return null;
      const decoded = { ...ref, id };
      return original ? original(decoded, ctx, info) : decoded;
    };
  }
  for (const [coordinate, idType] of Object.entries(spec.fields ?? {})) {
    const [typeName, field] = coordinate.split(".") as [string, string];
    wrapOutput(object(typeName), field, idType);
  }
  for (const [coordinate, paths] of Object.entries(spec.args ?? {})) {
    const [typeName, field] = coordinate.split(".") as [string, string];
    const def = object(typeName).getFields()[field];
    if (!def) throw new Error(`${coordinate} is named as taking entity ids but is not in the schema`);
    const resolve: Resolver = def.resolve ?? defaultFieldResolver;
    def.resolve = (parent, args, ctx, info) => resolve(parent, decodeArgs(args, paths, ctx), ctx, info);
  }
}
