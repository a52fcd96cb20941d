/**
 * The runs page's count per status for its other filters (definition, name search,
 * parent): one link per status that filters the table by it, and back to all statuses
 * when it is the active one. Polled more slowly than the table: counting costs more than
 * reading a page (see `countTasksByStatus`).
 */
import { formatNumber } from "../format";
import { usePolling } from "../hooks";
import { countTasksByStatus, type TaskFilter } from "../queries";
import { href } from "../router";
import { TASK_STATUSES, type TaskStatus } from "../types";
import { StatusBadge } from "./status";

export const STATUS_COUNTS_INTERVAL_MS = 10_000;

interface Props {
  filter: TaskFilter;
  /** The route's other query parameters, kept in each link. */
  params: Record<string, string>;
}

export function StatusCounts({ filter, params }: Props) {
  const others: TaskFilter = { ...filter, status: "" };
  const counts = usePolling(() => countTasksByStatus(others, TASK_STATUSES), JSON.stringify(others), STATUS_COUNTS_INTERVAL_MS);
  const active = filter.status;
  return (
    <ul class="status-counts run-counts" aria-label="Runs by status" data-testid="status-counts">
      {TASK_STATUSES.map((status: TaskStatus) => (
        <li key={status}>
          <a
            href={href("/", { ...params, status: status === active ? undefined : status })}
            aria-current={status === active ? "true" : undefined}
            title={status === active ? "Show every status" : `Show only ${status} runs`}
            data-count={status}
          >
            <StatusBadge status={status} />
            <span class="count">{counts.data ? formatNumber(counts.data[status]) : "…"}</span>
          </a>
        </li>
      ))}
    </ul>
  );
}
