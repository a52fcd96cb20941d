/**
 * Options of the PostgreSQL adapter, their defaults, and the `?schema=` URL parameter.
 * The schema name ends up inside SQL text (table names, the NOTIFY channel), so it is
 * validated here once and only ever used quoted.
 */
import { Errors } from "../../domain/errors.js";

/** Options of {@link createPostgresStorage}. */
export interface PostgresStorageOptions {
  /** `postgres://user:pass@host:port/db`; a `?schema=name` parameter selects the schema. */
  connectionString: string;
  /**
   * Schema holding Stint's tables; overrides `?schema=` in the URL.
   * @defaultValue "stint"
   */
  schema?: string;
  /**
   * Connections in the pool (the LISTEN connection is extra, opened on first subscribe).
   * @defaultValue 10
   */
  poolSize?: number;
  /** Errors that belong to no caller (an idle connection dropped, the listener lost). */
  onError?: (error: Error) => void;
  /**
   * Unfiltered task lists report the planner's row estimate as `totalCount` once it
   * reaches this many rows (an exact count(*) reads the whole table); below it, and for
   * any filtered or searched list, the count is exact. `Infinity` always counts exactly.
   * @defaultValue 100000
   */
  countEstimateThreshold?: number;
}

export interface ResolvedPostgresOptions {
  connectionString: string;
  schema: string;
  poolSize: number;
  onError: (error: Error) => void;
  countEstimateThreshold: number;
}

/** The schema of Stint's tables unless `schema` or `?schema=` says otherwise. */
export const DEFAULT_SCHEMA = "stint";
/** Connections in the adapter's pool unless `poolSize` says otherwise. */
export const DEFAULT_POOL_SIZE = 10;
export const DEFAULT_COUNT_ESTIMATE_THRESHOLD = 100_000;

// Letters, digits, underscore; at most 57 so the channel `stint_<schema>` fits in
// PostgreSQL's 63-byte identifier limit.
const SCHEMA_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,56}$/;

/** Returns the schema name when PostgreSQL and Stint's notification channel accept it; throws `INVALID_ARGUMENT` otherwise. */
export function validateSchemaName(schema: string): string {
  if (!SCHEMA_PATTERN.test(schema)) {
    throw Errors.invalidArgument(
      "schema",
      `"${String(schema).slice(0, 80)}" is not a valid schema name (letters, digits and _, at most 57, not starting with a digit)`,
    );
  }
  return schema;
}

/** Splits `?schema=` off a PostgreSQL URL; the rest goes to `pg` untouched. */
export function parsePostgresUrl(url: string): { connectionString: string; schema: string | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw Errors.invalidDatabaseUrl(url);
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw Errors.invalidDatabaseUrl(url);
  }
  const schema = parsed.searchParams.get("schema") ?? undefined;
  // Untouched unless there is something to strip (deleting re-encodes the whole query).
  if (schema === undefined) return { connectionString: url, schema };
  validateSchemaName(schema);
  parsed.searchParams.delete("schema");
  return { connectionString: parsed.toString(), schema };
}

export function resolveOptions(options: PostgresStorageOptions): ResolvedPostgresOptions {
  if (!options || typeof options.connectionString !== "string") {
    throw Errors.invalidArgument("connectionString", "a postgres:// URL is required");
  }
  const fromUrl = parsePostgresUrl(options.connectionString);
  const schema = validateSchemaName(options.schema ?? fromUrl.schema ?? DEFAULT_SCHEMA);
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw Errors.invalidArgument("poolSize", "must be a whole number, 1 or more");
  }
  const countEstimateThreshold = options.countEstimateThreshold ?? DEFAULT_COUNT_ESTIMATE_THRESHOLD;
  if (typeof countEstimateThreshold !== "number" || Number.isNaN(countEstimateThreshold) || countEstimateThreshold < 0) {
    throw Errors.invalidArgument("countEstimateThreshold", "must be a number, 0 or more (Infinity: always count exactly)");
  }
  return {
    connectionString: fromUrl.connectionString,
    schema,
    poolSize,
    onError: options.onError ?? (() => {}),
    countEstimateThreshold,
  };
}

