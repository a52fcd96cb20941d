/**
 * Store writes that must not be lost to a blip (the database restarting, a full disk
 * being cleared) are retried with backoff while the error says the store is away;
 * any other error is final at once (a refused value among them: isValueRefusedError).
 */
import { ErrorCode } from "../domain/errors.js";

export function isTransientStoreError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === ErrorCode.StorageUnavailable || code === ErrorCode.StorageFull;
}

/**
 * The store refused a value of the write (its data): retrying the same write cannot help,
 * but the same write without that value can (completion-batcher.ts isolates it).
 */
export function isValueRefusedError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === ErrorCode.StorageValueRefused;
}

export interface RetryOptions {
  /** Tries in all. @defaultValue 10 (about 25 s with the default delays) */
  attempts?: number;
  /** Delay before try n+1. @defaultValue 100 ms doubling, at most 5 s */
  delayMs?: (attempt: number) => number;
  onError?: (error: unknown) => void;
}

export async function retryTransient<T>(write: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 10;
  const delayMs = options.delayMs ?? ((attempt: number) => Math.min(5000, 100 * 2 ** attempt));
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      options.onError?.(error);
      if (!isTransientStoreError(error) || attempt + 1 >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs(attempt)));
    }
  }
}
