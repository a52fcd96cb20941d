/**
 * The GraphQL engine: graphql-yoga over the Stint schema, configured for a management
 * API: no CORS (a dashboard is served from the same origin), no batching or uploads,
 * masked unexpected errors unless debug, the document limits, what callers without `r`
 * may see, and the bundled GraphiQL (graphiql-page.ts) in place of yoga's CDN-loaded one.
 *
 * The caller (its permissions and identity) is decided by the HTTP server, which also
 * counts failed authentications, and handed in as the server context (`caller`).
 */
import { createYoga, type YogaServerInstance } from "graphql-yoga";
import type { GraphQLSchema } from "graphql";
import type { Authenticator, Caller } from "./auth.js";
import type { GraphQLContext } from "./context.js";
import { DOCUMENT_LIMIT_DEFAULTS, documentLimitsPlugins } from "./document-limits.js";
import { renderGraphiQLPage } from "./graphiql-page.js";
import type { ResolvedServerOptions } from "./options.js";
import { guardTaskFields, readGuardPlugin } from "./read-guard.js";
import { createTaskLoader } from "./task-loader.js";
import { ByteBudget } from "../storage/read-budget.js";

export const GRAPHQL_PATH = "/graphql";

/** What the HTTP server passes to every request. */
export interface StintServerContext {
  caller?: Caller;
}

export type StintYoga = YogaServerInstance<StintServerContext, GraphQLContext>;

export function createYogaApp(schema: GraphQLSchema, options: ResolvedServerOptions, auth: Authenticator): StintYoga {
  // Without a caller from the server (yoga used on its own), the header decides.
  const callerOf = (initial: Record<string, unknown>): Caller =>
    (initial.caller as Caller | undefined) ?? auth.authenticate((initial.request as Request | undefined)?.headers.get("authorization"));
  return createYoga<StintServerContext, GraphQLContext>({
    schema: guardTaskFields(schema),
    graphqlEndpoint: GRAPHQL_PATH,
    graphiql: { title: "Stint · GraphQL" },
    renderGraphiQL: (graphiql) => renderGraphiQLPage({ title: graphiql?.title ?? "Stint · GraphQL" }),
    landingPage: false,
    cors: false,
    batching: false,
    multipart: false,
    logging: false,
    maskedErrors: { isDev: options.debug },
    // Validation depends on the caller (introspection needs `r`), so results are not
    // cached by document; parsed documents still are.
    parserAndValidationCache: { validationCache: false },
    plugins: [
      ...documentLimitsPlugins({ ...DOCUMENT_LIMIT_DEFAULTS, maxDepth: options.maxDepth }),
      readGuardPlugin((initial) => callerOf(initial).permissions),
    ],
    context: (initial): GraphQLContext => {
      const caller = callerOf(initial as unknown as Record<string, unknown>);
      // One budget per request, shared by every read it makes (lists, nested logs and tasks).
      const budget = new ByteBudget(options.maxResponseBytes);
      return {
        service: options.service,
        schedules: options.schedules,
        permissions: caller.permissions,
        identity: caller.identity,
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
