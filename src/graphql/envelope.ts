/**
 * The `{ data, error }` envelopes of Webiny's schema. Every resolver of
 * `backgroundTasks` is one TaskService call wrapped in one of these helpers: the helper
 * checks the permission first (a denied call never reaches the service, so it changes
 * nothing) and turns any thrown error into the envelope's `error`.
 */
import { Errors, isStintError } from "../domain/errors.js";
import { isUserError } from "../service/user-error.js";
import type { ListMeta, ListResponse } from "../service/types.js";
import type { Permission } from "./auth.js";
import type { GraphQLContext } from "./context.js";

export interface EnvelopeError {
  message: string;
  code: string;
  data: unknown;
  stack: string | null;
}

export interface Envelope<T> {
  data: T | null;
  error: EnvelopeError | null;
}

export interface ListEnvelope<T> extends Envelope<T[]> {
  meta: ListMeta | null;
}

const INTERNAL_ERROR_CODE = "INTERNAL_ERROR";

/**
 * Maps any thrown value to the envelope's error: StintErrors as they are; an error thrown
 * by the user's own code (onBeforeTrigger) as Webiny's ErrorResponse shows it (its message,
 * its code or "", its data or null); anything else is a Stint failure, masked.
 */
export function toEnvelopeError(error: unknown, context: Pick<GraphQLContext, "debug" | "onUnexpectedError">): EnvelopeError {
  const stack = context.debug && error instanceof Error ? (error.stack ?? null) : null;
  if (isStintError(error)) return { message: error.message, code: error.code, data: error.data, stack };
  if (isUserError(error)) return { ...userErrorFields(error), stack };
  context.onUnexpectedError(error);
  const message = context.debug && error instanceof Error ? error.message : "Internal server error.";
  return { message, code: INTERNAL_ERROR_CODE, data: null, stack };
}

/** Webiny's ErrorResponse: `code || ""`, `message || ""`, `data || null`; data only when it is JSON. */
function userErrorFields(error: unknown): Omit<EnvelopeError, "stack"> {
  if (typeof error !== "object" || error === null) return { message: String(error), code: "", data: null };
  const { message, code, data } = error as { message?: unknown; code?: unknown; data?: unknown };
  return {
    message: typeof message === "string" ? message : "",
    code: typeof code === "string" ? code : "",
    data: data && isJson(data) ? data : null,
  };
}

function isJson(value: unknown): boolean {
  try {
    return JSON.stringify(value) !== undefined;
  } catch {
    return false;
  }
}

function assertAllowed(context: GraphQLContext, permission: Permission): void {
  if (!context.permissions.has(permission)) throw Errors.notAuthorized();
}

export async function envelope<T>(
  context: GraphQLContext,
  permission: Permission,
  call: () => Promise<T> | T,
): Promise<Envelope<T>> {
  try {
    assertAllowed(context, permission);
    return { data: await call(), error: null };
  } catch (error) {
    return { data: null, error: toEnvelopeError(error, context) };
  }
}

export async function listEnvelope<T>(
  context: GraphQLContext,
  permission: Permission,
  call: () => Promise<ListResponse<T>>,
): Promise<ListEnvelope<T>> {
  try {
    assertAllowed(context, permission);
    const { items, meta } = await call();
    return { data: items, meta, error: null };
  } catch (error) {
    return { data: null, meta: null, error: toEnvelopeError(error, context) };
  }
}
