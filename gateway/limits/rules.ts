// Validation rules that refuse an over-limit operation before it is planned. Depth, aliases and
// directives are counted by graphql-armor's rules (maintained, fragment-aware); root fields and
// operations per document are counted here. Every refusal carries OPERATION_LIMIT_EXCEEDED.
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import { GraphQLError, Kind, type ASTVisitor, type ValidationContext, type ValidationRule } from "graphql";
import { rootFieldCount } from "./selections";
import type { OperationLimits } from "./config";
import { limitExceeded } from "./errors";

type ArmorReject = (ctx: ValidationContext | null, error: GraphQLError) => void;

/** Turns an armor rejection into the gateway's own refusal, reported (not thrown) on the context. */
function reportAs(limit: string, max: number, what: string): { propagateOnRejection: false; onReject: ArmorReject[] } {
  return {
    propagateOnRejection: false,
    onReject: [(ctx, err) => {
      const found = /found (\d+)/.exec(err.message)?.[1];
      ctx?.reportError(limitExceeded(limit, max, `This operation has ${found ?? "more than " + max} ${what}; the limit is ${max}.`));
    }],
  };
}

/** Refuses documents with more operations than allowed (several only when all are named). */
function operationsRule(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    Document(node) {
      const count = node.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
      if (count > max) context.reportError(limitExceeded("operations", max, `This document defines ${count} operations; the limit is ${max}.`));
    },
  });
}

/** Refuses operations that select more root fields than allowed. */
function rootFieldsRule(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const count = rootFieldCount(node.selectionSet, (name) => context.getFragment(name) ?? undefined);
      if (count > max) context.reportError(limitExceeded("rootFields", max, `This operation selects ${count} root fields; the limit is ${max}.`));
    },
  });
}

/** The validation rules for the given limits (none when limits are off). */
export function limitRules(limits: OperationLimits): ValidationRule[] {
  if (!limits.enabled) return [];
  return [
    operationsRule(limits.maxOperations),
    rootFieldsRule(limits.maxRootFields),
    maxDepthRule({ n: limits.maxDepth, flattenFragments: true, ...reportAs("depth", limits.maxDepth, "levels of nesting") }),
    maxAliasesRule({ n: limits.maxAliases, ...reportAs("aliases", limits.maxAliases, "aliases") }),
    maxDirectivesRule({ n: limits.maxDirectives, ...reportAs("directives", limits.maxDirectives, "directives") }),
  ];
}
