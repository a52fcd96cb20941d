/**
 * What a caller without the `r` permission may learn (a `w`- or `d`-only key, a wrong
 * key, or none while keys are configured). Envelopes already refuse its queries; this
 * closes the side doors:
 *
 * - a mutation's task: only `id` and `taskStatus` resolve (what a trigger or abort needs
 *   to go on); any other field of the task answers null with a SECURITY_NOT_AUTHORIZED
 *   field error, so a `w` key cannot read another task's input, output or logs through
 *   `abortTask`. Checked per field at resolution, so the mutation itself still runs and
 *   its envelope comes back;
 * - introspection (`__schema`, `__type`) is refused before execution;
 * - "Did you mean ...?" hints, which spell out field and definition names, are cut from
 *   its error messages (GraphQL Armor's block-field-suggestions, plus enum values).
 *
 * With no key configured every caller has `r`, so none of this applies.
 */
import { defaultFieldResolver, GraphQLError, isObjectType, type GraphQLSchema, type ValidationRule } from "graphql";
import type { Plugin } from "graphql-yoga";
import { blockFieldSuggestionsPlugin } from "@escape.tech/graphql-armor-block-field-suggestions";
import { ErrorCode } from "../domain/errors.js";
import type { Permission } from "./auth.js";

/** Fields of a task a caller without `r` still gets back from a mutation. */
export const FIELDS_WITHOUT_READ = new Set(["id", "taskStatus", "__typename"]);
const TASK_TYPE = "WebinyBackgroundTask";
const SUGGESTION_MASK = "[Suggestion hidden]";

interface HasPermissions {
  permissions: ReadonlySet<Permission>;
}

const guarded = new WeakSet<GraphQLSchema>();

/** Wraps the task type's resolvers (once per schema) so that they check `r` first. */
export function guardTaskFields(schema: GraphQLSchema): GraphQLSchema {
  if (guarded.has(schema)) return schema;
  guarded.add(schema);
  const type = schema.getType(TASK_TYPE);
  if (!isObjectType(type)) return schema;
  for (const field of Object.values(type.getFields())) {
    if (FIELDS_WITHOUT_READ.has(field.name)) continue;
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context: HasPermissions, info) => {
      if (!context.permissions.has("r")) {
        throw new GraphQLError(`Not authorized! Reading a task's "${field.name}" needs an API key with the "r" permission.`, {
          extensions: { code: ErrorCode.NotAuthorized },
        });
      }
      return resolve(source, args, context, info);
    };
  }
  return schema;
}

const noIntrospection: ValidationRule = (context) => ({
  Field(node) {
    const name = node.name.value;
    if (name === "__schema" || name === "__type") {
      context.reportError(
        new GraphQLError(`Not authorized! Introspection ("${name}") needs an API key with the "r" permission.`, {
          nodes: [node],
          extensions: { code: ErrorCode.NotAuthorized },
        }),
      );
    }
  },
});

/** Cuts the suggestions graphql-js writes into messages ("Did you mean the enum value ...?"). */
function maskSuggestions(errors: readonly GraphQLError[] | undefined): void {
  for (const error of errors ?? []) {
    error.message = error.message.replace(/ ?Did you mean (the enum value )?".+"\?/g, ` ${SUGGESTION_MASK}`).trim();
  }
}

/**
 * The plugin for the document-level checks; `permissionsOf` reads the caller from the
 * initial context (yoga builds the full context only after validation).
 */
export function readGuardPlugin(permissionsOf: (initialContext: Record<string, unknown>) => ReadonlySet<Permission>): Plugin {
  const suggestions = blockFieldSuggestionsPlugin({ mask: SUGGESTION_MASK }) as Plugin;
  return {
    onValidate(payload) {
      if (permissionsOf(payload.context).has("r")) return;
      payload.addValidationRule(noIntrospection);
      const armorEnd = suggestions.onValidate?.(payload);
      return (end) => {
        if (typeof armorEnd === "function") armorEnd(end);
        if (!end.valid) maskSuggestions(end.result as readonly GraphQLError[]);
      };
    },
    onExecute({ args }) {
      if ((args.contextValue as unknown as HasPermissions).permissions.has("r")) return;
      // Variable values are checked at execution: their errors name enum values too.
      return {
        onExecuteDone({ result }) {
          if (result && "errors" in result) maskSuggestions(result.errors);
        },
      };
    },
  };
}
