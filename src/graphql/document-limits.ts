/**
 * Limits on the GraphQL document itself, so that no request can make the server work
 * in proportion to what it sends (a 1 MiB body can hold 55,000 aliased `__typename`).
 * They run before graphql-js does its own work on the document:
 *
 * 1. bracket nesting (hand-written, no library has it), before parsing: a document nested
 *    thousands of levels deep would overflow the parser's stack;
 * 2. tokens (GraphQL Armor's max-tokens), while parsing: the parser stops at the cap
 *    instead of building a tree for the whole body;
 * 3. depth, fields and aliases (GraphQL Armor's max-depth, cost-limit and max-aliases
 *    rules), validated on their own first, and only a document within them goes on to
 *    graphql-js's standard rules (some of which are quadratic in repeated fields) and to
 *    execution.
 *
 * Every field counts towards the field cap, `__typename` and introspection included, with
 * fragments expanded where they are spread. Depth does not count `__schema` against the
 * 12 levels (GraphiQL's introspection query is 15 deep), but has its own cap for it, as
 * nested introspection fans out over the schema's types.
 */
import { GraphQLError, validate, type ValidationContext, type ValidationRule } from "graphql";
import type { Plugin } from "graphql-yoga";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";

export interface DocumentLimits {
  /** Levels of fields, `__schema` and what it holds not counted. */
  maxDepth: number;
  /** Levels of fields when counting introspection: `getIntrospectionQuery()` needs 15. */
  maxIntrospectionDepth: number;
  /** Field selections per operation, fragments expanded, `__typename` and introspection included. */
  maxFields: number;
  /** Aliased fields per operation. */
  maxAliases: number;
  /** Lexical tokens per document (names, punctuation, values; not comments). */
  maxTokens: number;
  /** Nesting of `{`, `[` and `(`. */
  maxNesting: number;
}

export const DOCUMENT_LIMIT_DEFAULTS: Omit<DocumentLimits, "maxDepth"> = {
  maxIntrospectionDepth: 15,
  maxFields: 1000,
  maxAliases: 100,
  maxTokens: 10_000,
  maxNesting: 64,
};

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

function limitError(message: string, code: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions, http: { status: 400 } } });
}

/** GraphQL Armor's options for reporting through the validation context, with our message. */
function reportAs(error: () => GraphQLError) {
  return {
    exposeLimits: false,
    propagateOnRejection: false,
    onAccept: [],
    onReject: [(context: ValidationContext | null) => context?.reportError(error())],
  };
}

function limitRules(limits: DocumentLimits): ValidationRule[] {
  const tooDeep = (max: number, what: string) => () =>
    limitError(`The ${what} is nested too deeply: at most ${max} levels of fields are allowed.`, "QUERY_TOO_DEEP", { maxDepth: max });
  return [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, ...reportAs(tooDeep(limits.maxDepth, "query")) }),
    maxDepthRule({
      n: limits.maxIntrospectionDepth,
      ignoreIntrospection: false,
      flattenFragments: true,
      ...reportAs(tooDeep(limits.maxIntrospectionDepth, "introspection query")),
    }),
    // A cost of 1 per field and no weighting by depth: the cost is the number of fields.
    costLimitRule({
      maxCost: limits.maxFields,
      objectCost: 1,
      scalarCost: 1,
      depthCostFactor: 1,
      flattenFragments: true,
      ignoreIntrospection: false,
      ...reportAs(() =>
        limitError(`The query selects too many fields: at most ${limits.maxFields} are allowed.`, "QUERY_TOO_LARGE", {
          maxFields: limits.maxFields,
        }),
      ),
    }),
    maxAliasesRule({
      n: limits.maxAliases,
      allowList: [],
      ...reportAs(() =>
        limitError(`The query uses too many aliases: at most ${limits.maxAliases} are allowed.`, "QUERY_TOO_LARGE", {
          maxAliases: limits.maxAliases,
        }),
      ),
    }),
  ];
}

export function documentLimitsPlugins(limits: DocumentLimits): Plugin[] {
  const rules = limitRules(limits);
  const nesting: Plugin = {
    onParse({ params }) {
      const source = typeof params.source === "string" ? params.source : params.source.body;
      if (nestingDepth(source) > limits.maxNesting) {
        throw limitError(`The document is nested too deeply: at most ${limits.maxNesting} levels of brackets are allowed.`, "QUERY_TOO_DEEP", {
          maxNesting: limits.maxNesting,
        });
      }
    },
  };
  const tokens = maxTokensPlugin({
    n: limits.maxTokens,
    exposeLimits: false,
    propagateOnRejection: false,
    onAccept: [],
    // Thrown from inside the lexer: parsing stops at the first token over the cap.
    onReject: [
      () => {
        throw limitError(`The document is too long: at most ${limits.maxTokens} tokens are allowed.`, "QUERY_TOO_LARGE", {
          maxTokens: limits.maxTokens,
        });
      },
    ],
  }) as Plugin;
  const firstLimits: Plugin = {
    onValidate({ params, setResult }) {
      // The limits alone first: a document over them never reaches the standard rules.
      const errors = validate(params.schema, params.documentAST, rules);
      if (errors.length === 0) return;
      // Both depth rules may refuse the same document: one error per code is enough.
      const seen = new Set<unknown>();
      setResult(errors.filter((error) => !seen.has(error.extensions.code) && seen.add(error.extensions.code)));
    },
  };
  return [nesting, tokens, firstLimits];
}
