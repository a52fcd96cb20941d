/** Abort and delete, each behind a confirmation; a refusal shows the API's message. */
import { useState } from "preact/hooks";
import { Dialog } from "../components/dialog";
import { ErrorMessage } from "../components/error-message";
import { useAction } from "../hooks";
import { abortTask, deleteTask } from "../queries";
import type { TaskDetail } from "../types";

interface Props {
  task: TaskDetail;
  onClose: () => void;
  onDone: () => void;
}

export function AbortDialog({ task, onClose, onDone }: Props) {
  const [message, setMessage] = useState("");
  const { busy, error, run } = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    if (await run(() => abortTask(task.id, message.trim() || undefined))) onDone();
  };
  return (
    <Dialog title="Abort this run?" onClose={onClose}>
      <form class="dialog-body" onSubmit={submit}>
        <p>
          <strong>{task.name || task.id}</strong> will stop at its next check and be marked <code>aborted</code>. This cannot be undone.
        </p>
        <label class="field">
          <span class="field-label">Reason <span class="muted">(optional, written to the log)</span></span>
          <textarea rows={2} value={message} placeholder="Task aborted." onInput={(e) => setMessage(e.currentTarget.value)} data-testid="abort-message" />
        </label>
        <ErrorMessage error={error} />
        <div class="actions">
          <button type="button" class="button" onClick={onClose} disabled={busy}>
            Keep running
          </button>
          <button type="submit" class="button danger" disabled={busy} data-testid="abort-confirm">
            {busy ? "Aborting…" : "Yes, abort"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function DeleteDialog({ task, onClose, onDone }: Props) {
  const { busy, error, run } = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    if (await run(() => deleteTask(task.id))) onDone();
  };
  return (
    <Dialog title="Delete this run?" onClose={onClose}>
      <form class="dialog-body" onSubmit={submit}>
        <p>
          <strong>{task.name || task.id}</strong> and its logs will be removed from the store. This cannot be undone.
        </p>
        <ErrorMessage error={error} />
        <div class="actions">
          <button type="button" class="button" onClick={onClose} disabled={busy} autoFocus>
            Cancel
          </button>
          <button type="submit" class="button danger" disabled={busy} data-testid="delete-confirm">
            {busy ? "Deleting…" : "Yes, delete"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
