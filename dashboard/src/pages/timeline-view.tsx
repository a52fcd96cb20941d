/**
 * Iterations on one time axis, from the task's start to its end (or now): each bar is
 * one iteration, coloured by how it ended; the table gives the numbers.
 */
import { useState } from "preact/hooks";
import { formatDuration, formatTimeMs } from "../format";
import { iterationSpans, type Outcome } from "../timeline";
import type { TaskDetail, TaskLog } from "../types";

const OUTCOME_LABEL: Record<Outcome, string> = {
  continue: "continued",
  done: "done",
  error: "error",
  aborted: "aborted",
  running: "running",
  unknown: "—",
};

/** Long runs show their latest iterations until asked for all. */
const SHOWN = 20;

export function Timeline({ logs, task, now }: { logs: TaskLog[]; task: TaskDetail; now: number }) {
  const [showAll, setShowAll] = useState(false);
  const spans = iterationSpans(logs, task, now);
  if (spans.length === 0) {
    return <p class="muted">{task.taskStatus === "pending" ? "Not started yet." : "No iteration has written a log yet."}</p>;
  }
  const shown = showAll ? spans : spans.slice(-SHOWN);
  const starts = shown.map((s) => s.start ?? Infinity);
  const first = Math.min(...starts);
  const ends = shown.map((s) => s.end ?? 0);
  const lastEnd = Math.max(task.finishedOn ? new Date(task.finishedOn).getTime() : task.taskStatus === "running" ? now : 0, ...ends);
  const span = Math.max(1, lastEnd - first);
  return (
    <div class="timeline">
      <table class="timeline-table" data-testid="timeline">
        <thead>
          <tr>
            <th scope="col" class="num">#</th>
            <th scope="col">Ended</th>
            <th scope="col" class="num" title="From the previous iteration's end (the task's start for the first), including any wait">
              Took
            </th>
            <th scope="col">Outcome</th>
            <th scope="col" class="timeline-axis-head">
              <span>{formatTimeMs(first)}</span>
              <span>{formatTimeMs(lastEnd)}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((s) => {
            const known = s.start !== undefined && s.end !== undefined;
            const left = known ? ((s.start! - first) / span) * 100 : 0;
            const width = known ? ((s.end! - s.start!) / span) * 100 : 0;
            return (
              <tr key={s.iteration} data-iteration={s.iteration}>
                <td class="num">{s.iteration}</td>
                <td class="mono small">{s.end === undefined || (s.outcome === "running" && s.items === 0) ? "—" : formatTimeMs(s.end)}</td>
                <td class="num">{known ? formatDuration(s.end! - s.start!) : "—"}</td>
                <td class="outcome-cell">
                  <span class={`outcome outcome-${s.outcome}`}>{OUTCOME_LABEL[s.outcome]}</span>
                  <span class="outcome-message" title={s.message}>
                    {s.message}
                  </span>
                </td>
                <td class="timeline-axis" aria-hidden="true">
                  <div class="timeline-track">
                    <span class={`timeline-bar outcome-bg-${s.outcome}`} style={{ left: `${Math.min(99.5, left)}%`, width: `${Math.min(100 - left, width)}%` }} />
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {spans.length > SHOWN ? (
        <p class="small">
          {showAll ? `All ${spans.length} iterations. ` : `The last ${SHOWN} of ${spans.length} iterations. `}
          <button type="button" class="link-button" onClick={() => setShowAll(!showAll)}>
            {showAll ? "Show the last 20" : "Show all"}
          </button>
        </p>
      ) : null}
    </div>
  );
}
