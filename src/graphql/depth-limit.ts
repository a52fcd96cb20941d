/**
 * A validation rule that refuses operations nested deeper than `maxDepth` fields
 * (`task { logs { task { logs ... } } }` can otherwise fan out without bound). Fragments
 * are followed; introspection (`__schema`, `__type`) is not counted, because its depth
 * is bounded by the schema and GraphiQL's introspection query is deeper than any real one.
 */
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";

export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    // Memoised so a fragment spread many times is measured once.
    const fragmentDepths = new Map<string, number>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }

    function depthOf(selectionSet: SelectionSetNode | undefined, visiting: Set<string>): number {
      if (!selectionSet) return 0;
      let deepest = 0;
      for (const selection of selectionSet.selections) {
        let depth = 0;
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value.startsWith("__")) continue;
          depth = 1 + depthOf(selection.selectionSet, visiting);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          depth = depthOf(selection.selectionSet, visiting);
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          // Unknown and cyclic fragments are other rules' errors; stop counting there.
          if (!fragment || visiting.has(name)) continue;
          let fragmentDepth = fragmentDepths.get(name);
          if (fragmentDepth === undefined) {
            visiting.add(name);
            fragmentDepth = depthOf(fragment.selectionSet, visiting);
            visiting.delete(name);
            fragmentDepths.set(name, fragmentDepth);
          }
          depth = fragmentDepth;
        }
        if (depth > deepest) deepest = depth;
        if (deepest > maxDepth) return deepest;
      }
      return deepest;
    }

    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`The query is nested too deeply: at most ${maxDepth} levels of fields are allowed.`, {
              nodes: [node],
              extensions: { code: "QUERY_TOO_DEEP", maxDepth },
            }),
          );
        }
      },
    };
  };
}
