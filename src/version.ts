/** This Stint's version (package.json's; tests/worker/registry.test.ts checks they match). */
export const STINT_VERSION = "0.1.0";
