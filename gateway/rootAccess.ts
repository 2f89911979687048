// Fails fast at the gateway: an operation that calls a root field the viewer's role may not call
// is refused before query planning, so it costs no subgraph call. The subgraphs check the same
// table (kernel/auth/access.ts) again in graphql-shield: this is a shortcut, not the guard.
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from "graphql";
import { mayCallRoot } from "../kernel/auth/access";
import type { GatewayContext } from "./context";

const ROOT_TYPE = { query: "Query", mutation: "Mutation", subscription: "Subscription" } as const;

/** The root fields an operation selects, through fragments and inline fragments. */
export function rootFields(operation: OperationDefinitionNode, document: DocumentNode): string[] {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const names = new Set<string>();
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) names.add(sel.name.value);
      else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet);
      else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const fragment = fragments.get(sel.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return [...names].filter((n) => !n.startsWith("__")).map((n) => `${ROOT_TYPE[operation.operation]}.${n}`);
}

/** The plugin that refuses, before planning, root fields outside the viewer's role. */
export function rootAccessPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          if (!operation) return; // Apollo Server has already refused an unknown operation name
          const refused = rootFields(operation, document).filter((f) => !mayCallRoot(contextValue.viewer, f));
          if (refused.length === 0) return;
          throw new GraphQLError(`Your role (${contextValue.viewer.role}) may not call ${refused.join(", ")}.`, {
            extensions: { code: "FORBIDDEN", fields: refused, http: { status: 403 } },
          });
        },
      };
    },
  };
}
