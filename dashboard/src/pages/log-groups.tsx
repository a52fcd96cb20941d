/**
 * Logs grouped by iteration, newest first. The two newest groups (an abort's message
 * lands in the newest *stored* log, which may be one behind a still-running iteration)
 * and any group with an error start open; what the user opens or closes stays so
 * across refreshes.
 */
import { useState } from "preact/hooks";
import { formatShort } from "../format";
import { JsonView } from "../components/json-view";
import type { TaskLog } from "../types";
import { splitStack } from "../error-stack";

/** Iterations listed until asked for all. */
const SHOWN = 20;

export function LogGroups({ logs }: { logs: TaskLog[] }) {
  const [overrides, setOverrides] = useState<Record<string, boolean>>({});
  const [all, setAll] = useState<boolean | null>(null);
  const [showAll, setShowAll] = useState(false);
  if (logs.length === 0) return <p class="muted">No logs yet.</p>;
  const newestFirst = [...logs].sort((a, b) => (b.iteration ?? 0) - (a.iteration ?? 0));
  const sorted = showAll ? newestFirst : newestFirst.slice(0, SHOWN);
  const setEvery = (open: boolean) => {
    setOverrides({});
    setAll(open);
  };
  return (
    <div class="log-groups" data-testid="logs">
      {newestFirst.length > 2 ? (
        <div class="log-tools">
          <button type="button" class="link-button" onClick={() => setEvery(true)}>
            Expand all
          </button>
          <button type="button" class="link-button" onClick={() => setEvery(false)}>
            Collapse all
          </button>
        </div>
      ) : null}
      {sorted.map((log, index) => {
        const items = log.items ?? [];
        const errors = items.filter((item) => item.type === "error").length;
        const open = overrides[log.id] ?? all ?? (index < 2 || errors > 0);
        return (
          <details
            key={log.id}
            class={`log-group ${errors ? "has-errors" : ""}`}
            open={open}
            onToggle={(event) => {
              const now = (event.currentTarget as HTMLDetailsElement).open;
              if (now !== open) setOverrides((o) => ({ ...o, [log.id]: now }));
            }}
            data-iteration={log.iteration}
          >
            <summary>
              <span class="log-iteration">Iteration {log.iteration ?? "?"}</span>
              <span class="muted">
                {items.length} {items.length === 1 ? "item" : "items"}
              </span>
              {errors ? <span class="log-error-count">{errors} error{errors === 1 ? "" : "s"}</span> : null}
              {log.executionName ? <span class="muted mono small log-exec">{log.executionName}</span> : null}
            </summary>
            <ol class="log-items">
              {items.map((item, i) => (
                <li key={i} class={`log-item log-${item.type ?? "info"}`}>
                  <span class="log-time mono">{formatShort(item.createdOn)}</span>
                  <span class={`log-type log-type-${item.type ?? "info"}`}>{item.type ?? "info"}</span>
                  <div class="log-body">
                    <span class="log-message">{item.message}</span>
                    {item.error !== null && item.error !== undefined ? <LoggedError error={item.error} /> : null}
                    {item.data !== null && item.data !== undefined ? (
                      <details class="log-data">
                        <summary>data</summary>
                        <JsonView value={item.data} label="Data" />
                      </details>
                    ) : null}
                  </div>
                </li>
              ))}
            </ol>
          </details>
        );
      })}
      {newestFirst.length > SHOWN ? (
        <p class="small">
          {showAll ? `All ${newestFirst.length} iterations. ` : `The newest ${SHOWN} of ${newestFirst.length} iterations. `}
          <button type="button" class="link-button" onClick={() => setShowAll(!showAll)}>
            {showAll ? `Show the newest ${SHOWN}` : "Show all"}
          </button>
        </p>
      ) : null}
    </div>
  );
}

/** A logged error: its fields, then its stack folded under them (where a thrown error's stack is kept). */
function LoggedError({ error }: { error: unknown }) {
  const { fields, stack } = splitStack(error);
  return (
    <div class="log-error-data">
      <JsonView value={fields} label="Error" />
      {stack ? (
        <details class="log-stack" data-testid="log-stack">
          <summary>stack</summary>
          <pre class="mono small">{stack}</pre>
        </details>
      ) : null}
    </div>
  );
}
