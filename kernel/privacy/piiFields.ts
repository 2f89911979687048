// Wraps the resolver of every field marked @pii(kind: …) so that its value is disclosed per the
// policy before it leaves the subgraph. The owner of a Person's field is the Person; any other
// type carrying personal data exposes its owner as `personId` on the parent object.
import { defaultFieldResolver, isObjectType, type GraphQLSchema, type ValueNode } from "graphql";
import type { Viewer } from "../auth/viewer";
import { decideDisclosure, PII_KINDS, type PiiKind } from "./policy";
import { discloseValue, type DiscloseContext } from "./disclose";

export interface PiiContext {
  viewer: Viewer;
  disclosure: DiscloseContext;
}

export interface PiiField {
  type: string;
  field: string;
  kind: PiiKind;
}

function kindOf(arg: ValueNode | undefined): PiiKind {
  if (arg?.kind === "EnumValue" && (PII_KINDS as readonly string[]).includes(arg.value)) return arg.value as PiiKind;
  throw new Error("@pii needs a kind from PiiKind");
}

/** Lists the @pii fields of a schema. */
export function piiFields(schema: GraphQLSchema): PiiField[] {
  const found: PiiField[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const directive = field.astNode?.directives?.find((d) => d.name.value === "pii");
      if (directive) found.push({ type: type.name, field: field.name, kind: kindOf(directive.arguments?.find((a) => a.name.value === "kind")?.value) });
    }
  }
  return found;
}

/** Wraps every @pii field's resolver in place; returns the fields wrapped. */
export function applyPiiDisclosure(schema: GraphQLSchema): PiiField[] {
  const fields = piiFields(schema);
  for (const { type, field, kind } of fields) {
    const def = (schema.getType(type) as import("graphql").GraphQLObjectType).getFields()[field]!;
    const resolve = def.resolve ?? defaultFieldResolver;
    def.resolve = async (parent, args, context: PiiContext, info) => {
      const value = await resolve(parent, args, context, info);
      if (value === null || value === undefined) return value;
      const ownerId: string | undefined = type === "Person" ? parent.id : parent.personId;
      const decision = decideDisclosure(context.viewer, kind, ownerId);
      return discloseValue(kind, String(value), decision, ownerId, context.disclosure);
    };
  }
  return fields;
}
