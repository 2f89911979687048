// Wraps the resolver of every field marked @pii(kind: …) so that its value is disclosed per the
// policy before it leaves the subgraph, records full views of others for the audit log, and
// answers each type's `disclosures` field from the same decisions (the machine-readable marker).
// The owner of a Person's field is the Person; any other type carrying personal data exposes
// its owner as `personId` on the parent object.
import { defaultFieldResolver, isObjectType, type GraphQLObjectType, type GraphQLSchema, type ValueNode } from "graphql";
import type { Viewer } from "../auth/viewer";
import { auditEntry, decideDisclosure, PII_KINDS, type Disclosure, type Owner, type PiiKind } from "./policy";
import { discloseValue, type DiscloseContext } from "./disclose";
import type { DisclosureLog } from "./audit";
import { refusal } from "../runtime/errors";
import { maskIdentifiersInText } from "../identity/freeText";

export interface PiiContext {
  viewer: Viewer;
  disclosure: DiscloseContext;
  /** This request's full disclosures of others, written to the audit log before the response leaves. */
  disclosed?: DisclosureLog;
  /** Whether a stated purpose names an open case (kernel/privacy/cases.ts); absent: no purpose is accepted. */
  openCase?: (reference: string) => Promise<boolean>;
}

export interface PiiField {
  type: string;
  field: string;
  kind: PiiKind;
}

/** Tells whether a parent object's owner is inside the viewer's scope (undefined: this silo cannot know). */
export type ScopeCheck<C extends PiiContext = PiiContext> = (type: string, parent: any, ctx: C) => Promise<boolean | undefined>;

/** The field every type with @pii fields carries to say how each of them was disclosed. */
export const DISCLOSURES_FIELD = "disclosures";

function kindOf(arg: ValueNode | undefined): PiiKind {
  if (arg?.kind === "EnumValue" && (PII_KINDS as readonly string[]).includes(arg.value)) return arg.value as PiiKind;
  throw new Error("@pii needs a kind from PiiKind");
}

/** Lists the @pii fields of a schema (a subgraph's, or the composed supergraph's). */
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

const ownerIdOf = (type: string, parent: any): string | undefined => (type === "Person" ? parent?.id : parent?.personId) ?? undefined;

/** Scope checks are memoised per request and parent, so a type's several fields share one. */
function ownerResolver<C extends PiiContext>(scope: ScopeCheck<C> | undefined) {
  const memo = new WeakMap<object, WeakMap<object, Promise<Owner>>>();
  return (type: string, parent: any, ctx: C): Promise<Owner> => {
    const id = ownerIdOf(type, parent);
    if (!scope || id === undefined || id === ctx.viewer.subject) return Promise.resolve({ id });
    let perRequest = memo.get(ctx);
    if (!perRequest) memo.set(ctx, (perRequest = new WeakMap()));
    let owner = perRequest.get(parent);
    if (!owner) perRequest.set(parent, (owner = scope(type, parent, ctx).then((inScope) => ({ id, inScope }))));
    return owner;
  };
}

const purposeChecks = new WeakMap<object, Promise<boolean>>();

/**
 * Refuses a stated purpose that is not an open case's reference (blank, free text, unknown or
 * closed), once per request: nothing personal is disclosed under it, and the audit log only ever
 * holds case references.
 */
export async function assertPurpose(ctx: PiiContext): Promise<void> {
  const purpose = ctx.viewer.purpose;
  if (purpose === undefined) return;
  let open = purposeChecks.get(ctx);
  if (!open) purposeChecks.set(ctx, (open = ctx.openCase ? ctx.openCase(purpose) : Promise.resolve(false)));
  if (!(await open)) {
    throw refusal("BAD_USER_INPUT", "The purpose must be the reference of an open case in the CDC's case registry (like CASE-2022-0126); blank text, free text and unknown or closed cases are refused.");
  }
}

/** Wraps every @pii field's resolver in place and resolves `disclosures`; returns the fields wrapped. */
export function applyPiiDisclosure<C extends PiiContext>(schema: GraphQLSchema, scope?: ScopeCheck<C>): PiiField[] {
  const fields = piiFields(schema);
  const ownerOf = ownerResolver(scope);
  for (const { type, field, kind } of fields) {
    const def = (schema.getType(type) as GraphQLObjectType).getFields()[field]!;
    const resolve = def.resolve ?? defaultFieldResolver;
    def.resolve = async (parent, args, ctx: C, info) => {
      await assertPurpose(ctx);
      const [value, owner] = await Promise.all([resolve(parent, args, ctx, info), ownerOf(type, parent, ctx)]);
      if (value === null || value === undefined) return value;
      const decision = decideDisclosure(ctx.viewer, kind, owner);
      const entry = auditEntry(ctx.viewer, owner, decision, `${type}.${field}`);
      if (entry) ctx.disclosed?.add(owner.id ?? "unknown", entry);
      // Free text shown in full still hides the identifiers inside it that this viewer may not
      // see in their own fields (an officer reads an appeal in full, its ID numbers masked).
      if (kind === "FREE_TEXT" && decision === "FULL") {
        const full = (k: PiiKind) => decideDisclosure(ctx.viewer, k, owner) === "FULL";
        return maskIdentifiersInText(String(value), { idNumbers: !full("ID_NUMBER"), phones: !full("PHONE"), names: !full("NAME") });
      }
      return discloseValue(kind, String(value), decision, owner.id, ctx.disclosure);
    };
  }
  for (const typeName of new Set(fields.map((f) => f.type))) {
    const type = schema.getType(typeName) as GraphQLObjectType;
    const marker = type.getFields()[DISCLOSURES_FIELD];
    if (!marker) throw new Error(`${typeName} has @pii fields, so it must declare \`${DISCLOSURES_FIELD}: [FieldDisclosure!]!\``);
    const own = fields.filter((f) => f.type === typeName);
    marker.resolve = async (parent, _args, ctx: C) => {
      await assertPurpose(ctx);
      const owner = await ownerOf(typeName, parent, ctx);
      return own.map(({ field, kind }): { field: string; kind: PiiKind; disclosure: Disclosure } => ({ field, kind, disclosure: decideDisclosure(ctx.viewer, kind, owner) }));
    };
  }
  return fields;
}
