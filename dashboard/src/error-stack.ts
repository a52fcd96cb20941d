/**
 * A logged error as the dashboard shows it: its fields (message, code, data) in the JSON
 * view, its stack (kept in log items, never in outputs) apart, folded under the message.
 */
export function splitStack(error: unknown): { fields: unknown; stack: string | null } {
  if (error === null || typeof error !== "object" || Array.isArray(error)) return { fields: error, stack: null };
  const { stack, ...fields } = error as { stack?: unknown };
  return typeof stack === "string" && stack !== "" ? { fields, stack } : { fields: error, stack: null };
}
