/**
 * The GraphQL server over a service with no definitions and no tasks, for tests of the
 * HTTP surface (headers, static files, keys) that need no store.
 */
import type { TaskService } from "../../src/service/types.js";
import { startGraphQLServer, type GraphQLServer, type GraphQLServerOptions } from "../../src/graphql/server.js";

export function emptyService(): TaskService {
  const none = async () => ({ items: [], meta: { cursor: null, hasMoreItems: false, totalCount: 0 } }) as never;
  return {
    trigger: none,
    triggerMany: none,
    abort: none,
    abortMany: none,
    deleteMany: none,

    rerun: none,
    rerunMany: none,
    getTask: async () => null,
    listTasks: none,
    listLogs: none,
    listDefinitions: () => [],
    getDefinition: () => undefined,
    deleteTask: async () => false,
    listWorkers: async () => [],
    listChildren: async () => [],
    getSettings: async () => ({ retentionDays: 90 }),
    updateSettings: async () => ({ retentionDays: 90 }),
  };
}

export async function withBareServer<T>(options: Partial<GraphQLServerOptions>, use: (server: GraphQLServer, origin: string) => Promise<T>): Promise<T> {
  const server = await startGraphQLServer({ service: emptyService(), ping: async () => {}, port: 0, env: {}, onUnexpectedError: () => {}, ...options });
  try {
    return await use(server, new URL(server.url).origin);
  } finally {
    await server.close();
  }
}
