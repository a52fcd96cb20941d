/**
 * The management API's public surface.
 */
export { startGraphQLServer } from "./server.js";
export type { GraphQLServer, GraphQLServerOptions } from "./server.js";
export { SERVER_DEFAULTS } from "./options.js";
export type { AuthFailureEvent } from "./options.js";
export { parseApiKeysEnv } from "./auth.js";
export type { ApiKeyConfig, Permission } from "./auth.js";
export { buildStintSchema } from "./schema.js";
export { buildSchemaSdl } from "./schema-sdl.js";
