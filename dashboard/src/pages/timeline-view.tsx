/**
 * Iterations on one time axis (from the task's start to its end, or now): each bar spans
 * an iteration's first to last log item, coloured by how it ended; the table beside it
 * gives the numbers.
 */
import { formatDuration, formatShort } from "../format";
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

/** Long runs show their latest iterations; older ones are summarised in one line. */
const SHOWN = 60;

export function Timeline({ logs, task, now }: { logs: TaskLog[]; task: TaskDetail; now: number }) {
  const spans = iterationSpans(logs, task.taskStatus);
  if (spans.length === 0) {
    return <p class="muted">{task.taskStatus === "pending" ? "Not started yet." : "No iteration has written a log yet."}</p>;
  }
  const shown = spans.slice(-SHOWN);
  const first = Math.min(...[task.startedOn ? new Date(task.startedOn).getTime() : Infinity, ...shown.map((s) => s.start ?? Infinity)]);
  const lastEnd = task.finishedOn ? new Date(task.finishedOn).getTime() : task.taskStatus === "running" ? now : Math.max(...shown.map((s) => s.end ?? 0));
  const span = Math.max(1, lastEnd - first);
  return (
    <div class="timeline">
      {spans.length > SHOWN ? <p class="muted small">Showing the last {SHOWN} of {spans.length} iterations.</p> : null}
      <table class="timeline-table" data-testid="timeline">
        <thead>
          <tr>
            <th scope="col" class="num">#</th>
            <th scope="col">First item</th>
            <th scope="col" class="num">Span</th>
            <th scope="col">Outcome</th>
            <th scope="col" class="timeline-axis-head">
              <span>{formatShort(new Date(first).toISOString(), now)}</span>
              <span>{formatShort(new Date(lastEnd).toISOString(), now)}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((s) => {
            const left = s.start === undefined ? 0 : ((s.start - first) / span) * 100;
            const width = s.start === undefined || s.end === undefined ? 0 : ((s.end - s.start) / span) * 100;
            return (
              <tr key={s.iteration} data-iteration={s.iteration}>
                <td class="num">{s.iteration}</td>
                <td>{s.start === undefined ? "—" : formatShort(new Date(s.start).toISOString(), now)}</td>
                <td class="num">{s.start === undefined || s.end === undefined ? "—" : formatDuration(s.end - s.start)}</td>
                <td>
                  <span class={`outcome outcome-${s.outcome}`}>{OUTCOME_LABEL[s.outcome]}</span>
                  <span class="outcome-message" title={s.message}>
                    {s.message}
                  </span>
                </td>
                <td class="timeline-axis" aria-hidden="true">
                  <span class={`timeline-bar outcome-bg-${s.outcome}`} style={{ left: `${Math.min(99.4, left)}%`, width: `max(4px, ${width}%)` }} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
