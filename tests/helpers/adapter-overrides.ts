/**
 * A storage adapter with some operations replaced (slowed down, failing, followed by
 * something), for tests that need the store to misbehave at one precise point. Every
 * other operation is the real adapter's, bound to it.
 */
import type { StorageAdapter } from "../../src/storage/port/index.js";

export type AdapterOverrides = {
  [K in keyof StorageAdapter]?: (real: StorageAdapter[K]) => StorageAdapter[K] | undefined;
};

/** `overrides[op](real)` answers for `op`; returning undefined keeps the real one for that call. */
export function withOverrides(adapter: StorageAdapter, overrides: AdapterOverrides): StorageAdapter {
  return new Proxy(adapter, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      const real = typeof value === "function" ? value.bind(target) : value;
      const override = overrides[key as keyof StorageAdapter] as ((real: unknown) => unknown) | undefined;
      return override?.(real) ?? real;
    },
  });
}
