/**
 * The executable schema: Webiny's SDL with the definition enum built from the service's
 * public definitions at the time of the call (the server calls it once at start).
 */
import { createSchema } from "graphql-yoga";
import type { GraphQLSchema } from "graphql";
import type { TaskService } from "../service/types.js";
import type { GraphQLContext } from "./context.js";
import { resolvers } from "./resolvers.js";
import { buildSchemaSdl } from "./schema-sdl.js";

export function buildStintSchema(service: Pick<TaskService, "listDefinitions">): GraphQLSchema {
  const publicIds = service
    .listDefinitions()
    .filter((definition) => !definition.isPrivate)
    .map((definition) => definition.id);
  return createSchema<GraphQLContext>({ typeDefs: buildSchemaSdl(publicIds), resolvers });
}
