/** Logs grouped by iteration; the latest group open, error items marked and their data shown. */
import { formatShort } from "../format";
import { JsonView } from "../components/json-view";
import type { TaskLog } from "../types";

export function LogGroups({ logs }: { logs: TaskLog[] }) {
  if (logs.length === 0) return <p class="muted">No logs yet.</p>;
  const sorted = [...logs].sort((a, b) => (b.iteration ?? 0) - (a.iteration ?? 0));
  return (
    <div class="log-groups" data-testid="logs">
      {sorted.map((log, index) => {
        const items = log.items ?? [];
        const errors = items.filter((item) => item.type === "error").length;
        return (
          <details key={log.id} class={`log-group ${errors ? "has-errors" : ""}`} open={index === 0 || errors > 0} data-iteration={log.iteration}>
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
                    {item.error !== null && item.error !== undefined ? (
                      <div class="log-error">
                        <JsonView value={item.error} label="Error" />
                      </div>
                    ) : null}
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
    </div>
  );
}
