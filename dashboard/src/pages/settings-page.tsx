/**
 * Settings: the stored retention (how long finished runs and their logs are kept), read
 * and changed through `getSettings` / `updateSettings`. The server checks the value (a
 * whole number, 0 to 3650); its error is shown as it answers and nothing is stored.
 */
import { useEffect, useState } from "preact/hooks";
import type { Access } from "../access";
import { ErrorMessage } from "../components/error-message";
import { useAction } from "../hooks";
import { getSettings, updateSettings } from "../queries";

export function SettingsPage({ access, notify }: { access: Access; notify: (text: string) => void }) {
  const [stored, setStored] = useState<number | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [draft, setDraft] = useState("");
  const save = useAction();

  useEffect(() => {
    getSettings().then(
      (settings) => {
        setStored(settings.retentionDays);
        setDraft(String(settings.retentionDays));
      },
      (error) => setLoadError(error),
    );
  }, []);

  async function submit(event: Event) {
    event.preventDefault();
    // Sent as typed (a number when it reads as one): the server says what is wrong with it.
    const value = draft.trim() === "" ? Number.NaN : Number(draft);
    const ok = await save.run(async () => {
      const settings = await updateSettings(Number.isInteger(value) ? value : (draft as unknown as number));
      setStored(settings.retentionDays);
      setDraft(String(settings.retentionDays));
    });
    if (ok) notify("Settings saved.");
  }

  return (
    <section aria-labelledby="settings-title">
      <div class="page-head">
        <h1 id="settings-title">Settings</h1>
      </div>
      {loadError ? <ErrorMessage error={loadError} /> : null}
      {stored === null && !loadError ? <p class="empty">Loading…</p> : null}
      {stored !== null ? (
        <form class="card" onSubmit={submit} data-testid="settings-form">
          <label for="retention-days">
            <strong>Retention</strong> (days)
          </label>
          <p class="muted">
            Finished runs (succeeded, failed, aborted) and their logs older than this are deleted by one worker. 0 keeps everything; at most 3650. A
            definition with its own retention keeps it.
          </p>
          <p data-testid="retention-stored">
            Now: {stored === 0 ? "kept forever" : `${stored} days`}
          </p>
          <input
            id="retention-days"
            name="retentionDays"
            inputMode="numeric"
            value={draft}
            disabled={!access.write || save.busy}
            onInput={(event) => setDraft((event.target as HTMLInputElement).value)}
          />
          {access.write ? (
            <button type="submit" class="button primary" disabled={save.busy} data-testid="save-settings">
              Save
            </button>
          ) : (
            <p class="muted">Changing it needs a key with write permission.</p>
          )}
          {save.error ? <ErrorMessage error={save.error} /> : null}
        </form>
      ) : null}
    </section>
  );
}
