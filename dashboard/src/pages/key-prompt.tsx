/** Asks for an API key when the server requires one; the key is kept for this tab only. */
import { useState } from "preact/hooks";
import { ErrorMessage } from "../components/error-message";

export function KeyPrompt({ onSubmit, error, busy }: { onSubmit: (key: string) => void; error: unknown; busy: boolean }) {
  const [key, setKey] = useState("");
  return (
    <section class="key-prompt card" aria-labelledby="key-title">
      <h1 id="key-title">API key required</h1>
      <p>
        This Stint server requires an API key. It is sent as <code>Authorization: Bearer …</code> and kept in this browser tab's
        session storage only: closing the tab forgets it.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (key.trim()) onSubmit(key.trim());
        }}
      >
        <label class="field">
          <span class="field-label">API key</span>
          <input
            type="password"
            autoComplete="off"
            autoFocus
            value={key}
            onInput={(e) => setKey(e.currentTarget.value)}
            data-testid="api-key"
          />
        </label>
        <ErrorMessage error={error} />
        <div class="actions">
          <button type="submit" class="button primary" disabled={busy || key.trim() === ""} data-testid="api-key-submit">
            {busy ? "Checking…" : "Continue"}
          </button>
        </div>
      </form>
    </section>
  );
}
