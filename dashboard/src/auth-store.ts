/**
 * The API key lives in sessionStorage only: it is gone when the browser tab closes.
 * When storage is disabled it lasts in memory until the page reloads.
 */
const KEY = "stint.apiKey";
let memory: string | null = null;

export function getApiKey(): string | null {
  try {
    return sessionStorage.getItem(KEY) ?? memory;
  } catch {
    return memory;
  }
}

export function setApiKey(value: string | null): void {
  memory = value || null;
  try {
    if (value) sessionStorage.setItem(KEY, value);
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage disabled: `memory` holds it.
  }
}
