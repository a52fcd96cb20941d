/**
 * Limits on the GraphQL document itself, checked before graphql-js does its own
 * (recursive) work on it: a document nested thousands of levels deep would overflow the
 * parser's stack, and thousands of aliased list fields would make one request do the
 * work of thousands.
 */
import { GraphQLError, Kind, type ASTVisitor, type ValidationContext, type ValidationRule } from "graphql";
import type { Plugin } from "graphql-yoga";

/** Deepest nesting of `{`, `[` and `(` in a document, skipping strings and comments. */
export function nestingDepth(source: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "#") {
      while (i < source.length && source[i] !== "\n" && source[i] !== "\r") i++;
    } else if (c === '"') {
      if (source.startsWith('"""', i)) {
        const end = source.indexOf('"""', i + 3);
        i = end === -1 ? source.length : end + 2;
      } else {
        for (i++; i < source.length && source[i] !== '"' && source[i] !== "\n"; i++) if (source[i] === "\\") i++;
      }
    } else if (c === "{" || c === "[" || c === "(") {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === "}" || c === "]" || c === ")") {
      depth = Math.max(0, depth - 1);
    }
  }
  return deepest;
}

export function nestingLimitPlugin(maxNesting: number): Plugin {
  return {
    onParse({ params }) {
      const source = typeof params.source === "string" ? params.source : params.source.body;
      if (nestingDepth(source) > maxNesting) {
        throw new GraphQLError(`The document is nested too deeply: at most ${maxNesting} levels of brackets are allowed.`, {
          extensions: { code: "QUERY_TOO_DEEP", maxNesting, http: { status: 400 } },
        });
      }
    },
  };
}

/** Refuses documents with more than `maxFields` field selections (aliases included). */
export function fieldCountRule(maxFields: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let fields = 0;
    return {
      Field(node) {
        if (node.name.value.startsWith("__")) return; // introspection is bounded by the schema
        fields++;
        if (fields === maxFields + 1) {
          context.reportError(
            new GraphQLError(`The query selects too many fields: at most ${maxFields} are allowed.`, {
              nodes: [node],
              extensions: { code: "QUERY_TOO_LARGE", maxFields },
            }),
          );
        }
      },
      [Kind.DOCUMENT]: undefined,
    };
  };
}
