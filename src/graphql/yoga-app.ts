/**
 * The GraphQL engine: graphql-yoga over the Stint schema, configured for a management
 * API: no CORS (a dashboard is served from the same origin), no batching or uploads,
 * masked unexpected errors unless debug, the depth rule, and the self-contained query
 * page in place of yoga's CDN-loaded GraphiQL.
 */
import { createYoga, type Plugin, type YogaServerInstance } from "graphql-yoga";
import type { GraphQLSchema } from "graphql";
import type { Authenticator } from "./auth.js";
import type { GraphQLContext } from "./context.js";
import { depthLimitRule } from "./depth-limit.js";
import { fieldCountRule, nestingLimitPlugin } from "./document-limits.js";
import { renderQueryPage } from "./graphiql-page.js";
import type { ResolvedServerOptions } from "./options.js";
import { createTaskLoader } from "./task-loader.js";
import { ByteBudget } from "../storage/read-budget.js";

export const GRAPHQL_PATH = "/graphql";
/** Bracket nesting a document may have; real queries (even introspection) stay far below. */
const MAX_NESTING = 64;
/** Field selections one document may make (a list of 50 tasks with every field is ~40). */
const MAX_FIELDS = 1000;

export type StintYoga = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

export function createYogaApp(schema: GraphQLSchema, options: ResolvedServerOptions, auth: Authenticator): StintYoga {
  const depthPlugin: Plugin = {
    onValidate({ addValidationRule }) {
      addValidationRule(depthLimitRule(options.maxDepth));
      addValidationRule(fieldCountRule(MAX_FIELDS));
    },
  };
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    graphiql: { title: "Stint · GraphQL" },
    renderGraphiQL: (graphiql) => renderQueryPage({ endpoint: GRAPHQL_PATH, title: graphiql?.title ?? "Stint · GraphQL" }),
    landingPage: false,
    cors: false,
    batching: false,
    multipart: false,
    logging: false,
    maskedErrors: { isDev: options.debug },
    plugins: [nestingLimitPlugin(MAX_NESTING), depthPlugin],
    context: ({ request }): GraphQLContext => {
      // One budget per request, shared by every read it makes (lists, nested logs and tasks).
      const budget = new ByteBudget(options.maxResponseBytes);
      return {
        service: options.service,
        permissions: auth.permissionsFor(request.headers.get("authorization")),
        identity: auth.identityFor(request.headers.get("authorization")),
        debug: options.debug,
        maxListLimit: options.maxListLimit,
        budget,
        tasks: createTaskLoader(options.service, budget),
        nestedLogs: new Map(),
        onUnexpectedError: options.onUnexpectedError,
      };
    },
  });
}
