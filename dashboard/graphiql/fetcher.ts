/**
 * GraphiQL's fetcher: a same-origin POST to the API with the session's API key, the one
 * the dashboard keeps (sessionStorage `stint.apiKey`). Headers typed into GraphiQL's
 * header editor are sent too and win over the stored key.
 */
export const KEY_STORAGE = "stint.apiKey";

export function readStoredKey(): string {
  try {
    return sessionStorage.getItem(KEY_STORAGE) ?? "";
  } catch {
    return "";
  }
}

export function storeKey(key: string): void {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    // Storage disabled: the key lives as long as the page.
  }
}

interface FetcherParams {
  query: string;
  operationName?: string | null;
  variables?: unknown;
}

interface FetcherOptions {
  headers?: Record<string, unknown>;
}

export function createFetcher(endpoint: string, getKey: () => string) {
  return async (params: FetcherParams, options?: FetcherOptions): Promise<unknown> => {
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
    const key = getKey().trim();
    if (key) headers.authorization = `Bearer ${key}`;
    for (const [name, value] of Object.entries(options?.headers ?? {})) {
      if (typeof value === "string") headers[name.toLowerCase()] = value;
    }
    const response = await fetch(endpoint, { method: "POST", headers, body: JSON.stringify(params) });
    try {
      return await response.json();
    } catch {
      return { errors: [{ message: `The server answered ${response.status} without JSON.` }] };
    }
  };
}
