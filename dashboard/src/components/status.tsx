import type { Progress, TaskStatus } from "../types";

export function StatusBadge({ status }: { status: TaskStatus | string | null }) {
  const value = status ?? "unknown";
  return (
    <span class={`badge badge-${value}`} data-status={value}>
      <span class="dot" aria-hidden="true" />
      {value}
    </span>
  );
}

/** The share of work done, 0–100, or undefined when the task reported no total. */
export function percentOf(progress: Progress | null | undefined): number | undefined {
  if (!progress || typeof progress.done !== "number" || typeof progress.total !== "number" || progress.total <= 0) return undefined;
  return Math.max(0, Math.min(100, (progress.done / progress.total) * 100));
}

export function ProgressBar({ progress, status, compact = false }: { progress: Progress | null | undefined; status: string | null; compact?: boolean }) {
  const percent = percentOf(progress);
  if (!progress) return <span class="muted">—</span>;
  const label = percent === undefined ? `${progress.done}` : `${Math.floor(percent)} %`;
  const indeterminate = percent === undefined && status === "running";
  return (
    <div class={`progress ${compact ? "progress-compact" : ""}`}>
      <div
        class={`progress-track progress-${status ?? "unknown"} ${indeterminate ? "progress-indeterminate" : ""}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent === undefined ? undefined : Math.floor(percent)}
        aria-valuetext={progress.message ? `${label}, ${progress.message}` : label}
      >
        <div class="progress-fill" style={{ width: `${percent ?? (indeterminate ? 30 : 0)}%` }} />
      </div>
      <span class="progress-label" data-testid="progress-label">{label}</span>
      {!compact && progress.message ? <span class="progress-message">{progress.message}</span> : null}
    </div>
  );
}
