import { ApiError } from "../api";

/** The API's own message and code; field errors of a refused trigger listed under it. */
export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : undefined;
  const fields = error instanceof ApiError ? invalidFields(error.data) : [];
  return (
    <div class="error-box" role="alert">
      <strong>{message}</strong>
      {code ? <code class="error-code">{code}</code> : null}
      {fields.length > 0 ? (
        <ul>
          {fields.map(([field, text]) => (
            <li key={field}>
              <code>{field}</code>: {text}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function invalidFields(data: unknown): [string, string][] {
  const fields = (data as { invalidFields?: Record<string, { message?: string }> } | null)?.invalidFields;
  if (!fields || typeof fields !== "object") return [];
  return Object.entries(fields).map(([field, value]) => [field, value?.message ?? "invalid"]);
}
