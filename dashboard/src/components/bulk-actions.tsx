/**
 * The runs page's action bar for the selected runs: Abort, Delete and Re-run, each
 * behind a confirmation that first asks the API how many of the selection it would act
 * on (a dry run: finished runs are not aborted), then acts on exactly those ids.
 */
import { useEffect, useState } from "preact/hooks";
import { Dialog } from "./dialog";
import { ErrorMessage } from "./error-message";
import { useAction } from "../hooks";
import { bulkAction, type BulkAction } from "../queries";

const WORDS: Record<BulkAction, { title: string; verb: string; doing: string; done: string; danger: boolean }> = {
  abort: { title: "Abort", verb: "abort", doing: "Aborting…", done: "aborted", danger: true },
  delete: { title: "Delete", verb: "delete", doing: "Deleting…", done: "deleted", danger: true },
  rerun: { title: "Re-run", verb: "re-run", doing: "Starting…", done: "started again", danger: false },
};

export function BulkActions(props: { ids: string[]; onClear: () => void; onDone: () => void }) {
  const [action, setAction] = useState<BulkAction | null>(null);
  if (props.ids.length === 0) return null;
  return (
    <div class="bulk-bar" role="toolbar" aria-label="Actions on the selected runs" data-testid="bulk-bar">
      <span data-testid="bulk-selected">{props.ids.length} selected</span>
      {(["abort", "delete", "rerun"] as const).map((a) => (
        <button key={a} type="button" class={`button ${WORDS[a].danger ? "danger" : ""}`} onClick={() => setAction(a)} data-testid={`bulk-${a}`}>
          {WORDS[a].title}
        </button>
      ))}
      <button type="button" class="button" onClick={props.onClear}>
        Clear selection
      </button>
      {action ? (
        <BulkDialog
          action={action}
          ids={props.ids}
          onClose={() => setAction(null)}
          onDone={() => {
            setAction(null);
            props.onDone();
          }}
        />
      ) : null}
    </div>
  );
}

function BulkDialog(props: { action: BulkAction; ids: string[]; onClose: () => void; onDone: () => void }) {
  const words = WORDS[props.action];
  const [count, setCount] = useState<number | null>(null);
  const counting = useAction();
  const acting = useAction();
  useEffect(() => {
    void counting.run(async () => setCount((await bulkAction(props.action, props.ids, true)).count));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (await acting.run(() => bulkAction(props.action, props.ids, false))) props.onDone();
  };
  const runs = (n: number) => `${n} ${n === 1 ? "run" : "runs"}`;
  return (
    <Dialog title={`${words.title} the selected runs?`} onClose={props.onClose}>
      <form class="dialog-body" onSubmit={submit}>
        <p data-testid="bulk-count">
          {count === null
            ? counting.error
              ? "Could not count the runs."
              : "Counting…"
            : count === 0
              ? `None of the ${runs(props.ids.length)} selected can be ${words.done}.`
              : `${runs(count)} of the ${props.ids.length} selected will be ${words.done}.${words.danger ? " This cannot be undone." : ""}`}
        </p>
        <ErrorMessage error={counting.error ?? acting.error} />
        <div class="actions">
          <button type="button" class="button" onClick={props.onClose} disabled={acting.busy} autoFocus>
            Cancel
          </button>
          <button type="submit" class={`button ${words.danger ? "danger" : ""}`} disabled={acting.busy || !count} data-testid="bulk-confirm">
            {acting.busy ? words.doing : `Yes, ${words.verb} ${count === null ? "" : runs(count)}`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
