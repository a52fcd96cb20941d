/**
 * Errors thrown by a definition's own code (today: `onBeforeTrigger`, the one piece of
 * user code a TaskService call runs and lets fail the call). They reach the caller as
 * thrown, unchanged; this module only remembers which objects they are, so the GraphQL
 * envelope can show their message and code as Webiny does, while Stint's own internal
 * failures stay masked. A WeakSet: remembering adds nothing to the error and keeps nothing alive.
 */
const thrownByUserCode = new WeakSet<object>();

export function markUserError(error: unknown): void {
  if ((typeof error === "object" && error !== null) || typeof error === "function") thrownByUserCode.add(error);
}

/** True for a value marked above, and for any thrown non-object (Stint itself only throws Errors). */
export function isUserError(error: unknown): boolean {
  if (typeof error === "object" && error !== null) return thrownByUserCode.has(error);
  if (typeof error === "function") return thrownByUserCode.has(error);
  return true;
}
