/** Abort, delete and re-run, each behind a confirmation; a refusal shows the API's message. */
import { useState } from "preact/hooks";
import { Dialog } from "../components/dialog";
import { ErrorMessage } from "../components/error-message";
import { useAction } from "../hooks";
import { abortTask, deleteTask, rerunTask } from "../queries";
import type { TaskDetail, TaskRow } from "../types";

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

/** Re-run a finished run as a new one, from its first input or its checkpoint (docs/run-history.md). */
export function RerunDialog({ task, onClose, onDone }: Omit<Props, "onDone"> & { onDone: (created: TaskRow) => void }) {
  const [from, setFrom] = useState<"start" | "checkpoint">("start");
  const { busy, error, run } = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    let created: TaskRow | undefined;
    if (await run(async () => (created = await rerunTask(task.id, from)))) onDone(created!);
  };
  return (
    <Dialog title="Re-run this run?" onClose={onClose}>
      <form class="dialog-body" onSubmit={submit}>
        <p>
          A new run of <strong>{task.name || task.id}</strong> starts, with the same definition, name and parent. This run stays as it is.
        </p>
        <fieldset class="field">
          <legend class="field-label">Start from</legend>
          <label>
            <input type="radio" name="rerun-from" checked={from === "start"} onChange={() => setFrom("start")} data-testid="rerun-from-start" /> the input
            as triggered
          </label>
          <label>
            <input type="radio" name="rerun-from" checked={from === "checkpoint"} onChange={() => setFrom("checkpoint")} data-testid="rerun-from-checkpoint" />{" "}
            the checkpoint (the input as stored now)
          </label>
        </fieldset>
        <ErrorMessage error={error} />
        <div class="actions">
          <button type="button" class="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" class="button primary" disabled={busy} data-testid="rerun-confirm">
            {busy ? "Starting…" : "Re-run"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
