/** When a delayed task will run: relative ("in 5 min") and absolute, for the runs table and the run page. */
import { delayedUntil, formatDateTime, formatIn, formatShort } from "../format";

interface Props {
  task: { taskStatus: string; runAt?: string | null };
  now: number;
  /** The runs table's short form (time of day when today) instead of the full date. */
  short?: boolean;
}

/** Renders nothing unless the task is pending with a run time still to come. */
export function DelayedUntil({ task, now, short = false }: Props) {
  const at = delayedUntil(task, now);
  if (!at) return null;
  return (
    <span class="delayed" data-testid="delayed-until" title={formatDateTime(at)}>
      <span class="delayed-in">runs {formatIn(at, now)}</span>
      <span class="muted"> · {short ? formatShort(at, now) : formatDateTime(at)}</span>
    </span>
  );
}
