/**
 * `stint/postgres`: the PostgreSQL storage adapter (FOR UPDATE SKIP LOCKED claims,
 * LISTEN/NOTIFY wake-ups, any number of worker processes sharing one database).
 */
export { createPostgresStorage } from "./adapter.js";
export { parsePostgresUrl, validateSchemaName, DEFAULT_SCHEMA, DEFAULT_POOL_SIZE } from "./options.js";
export type { PostgresStorageOptions } from "./options.js";
