/**
 * The dashboard's only back end: POSTs to `/graphql` (same origin) with the session's
 * API key. Every `backgroundTasks` field answers in Webiny's `{ data, error }` envelope;
 * `unwrap` turns an envelope error into an `ApiError` carrying the API's message and code.
 */
import { getApiKey } from "./auth-store.js";

export interface ApiErrorShape {
  message: string;
  code?: string | null;
  data?: unknown;
}

export class ApiError extends Error {
  readonly code: string | undefined;
  readonly data: unknown;
  constructor(error: ApiErrorShape) {
    super(error.message || "The API refused the request.");
    this.name = "ApiError";
    this.code = error.code ?? undefined;
    this.data = error.data;
  }
}

export const NOT_AUTHORIZED = "SECURITY_NOT_AUTHORIZED";

export function isNotAuthorized(error: unknown): boolean {
  return error instanceof ApiError && error.code === NOT_AUTHORIZED;
}

export async function graphql<T>(query: string, variables?: Record<string, unknown>, key = getApiKey()): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (key) headers.authorization = `Bearer ${key}`;
  let response: Response;
  try {
    response = await fetch("graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  } catch {
    throw new ApiError({ message: "The Stint server cannot be reached.", code: "NETWORK_ERROR" });
  }
  let body: { data?: T; errors?: { message: string; extensions?: { code?: string; data?: unknown } }[] };
  try {
    body = await response.json();
  } catch {
    throw new ApiError({ message: `The server answered ${response.status} without JSON.`, code: "BAD_RESPONSE" });
  }
  const first = body.errors?.[0];
  if (first && !body.data) {
    throw new ApiError({ message: first.message, code: first.extensions?.code, data: first.extensions?.data });
  }
  if (!body.data) throw new ApiError({ message: `The server answered ${response.status} without data.`, code: "BAD_RESPONSE" });
  return body.data;
}

interface Envelope<T> {
  data: T | null;
  error: ApiErrorShape | null;
}

export function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.error) throw new ApiError(envelope.error);
  return envelope.data as T;
}
