/**
 * The runs table: filters (status, definition, name search) live in the URL; cursor
 * paging keeps a stack of the cursors seen. The current page is polled; rows are keyed
 * by task id, so a refresh keeps scroll position, focus and the selected row.
 */
import { useEffect, useState } from "preact/hooks";
import { ErrorMessage } from "../components/error-message";
import { ProgressBar, StatusBadge } from "../components/status";
import { delayedUntil, formatAge, formatNumber, formatRunDuration, formatShort } from "../format";
import { useNow, usePolling } from "../hooks";
import { listTasks, type TaskFilter } from "../queries";
import { href, navigate, type Route } from "../router";
import { TASK_STATUSES, type Definition, type TaskStatus } from "../types";
import { LiveIndicator } from "../components/live";
import { StatusCounts } from "../components/status-counts";
import { DelayedUntil } from "../components/run-time";

import { BulkActions } from "../components/bulk-actions";

export const PAGE_SIZE = 25;

interface Props {
  route: Route;
  definitions: Definition[];
}

export function RunsPage({ route, definitions }: Props) {
  const filter: TaskFilter = {
    status: (route.params.get("status") ?? "") as TaskStatus | "",
    definitionId: route.params.get("definition") ?? "",
    search: route.params.get("q") ?? "",
    parentId: route.params.get("parent") ?? "",
  };
  const filterKey = JSON.stringify(filter);
  // Cursors belong to the filter they were read with: a new filter starts at page one.
  const [paging, setPaging] = useState<{ key: string; cursors: (string | null)[] }>({ key: filterKey, cursors: [null] });
  const cursors = paging.key === filterKey ? paging.cursors : [null];
  const setCursors = (update: (c: (string | null)[]) => (string | null)[]) => setPaging({ key: filterKey, cursors: update(cursors) });
  const [selected, setSelected] = useState<string | null>(null);
  // The runs ticked for a bulk action (kept across pages and refreshes until cleared).
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  const toggle = (ids: readonly string[], on: boolean) =>
    setChecked((current) => {
      const next = new Set(current);
      for (const id of ids) on ? next.add(id) : next.delete(id);
      return next;
    });
  const [searchText, setSearchText] = useState(filter.search ?? "");
  const now = useNow();

  const after = cursors[cursors.length - 1];
  const page = usePolling(() => listTasks(filter, PAGE_SIZE, after), `${filterKey}|${after ?? ""}`);

  // Search is typed into local state and written to the URL after a pause.
  useEffect(() => {
    if ((filter.search ?? "") === searchText.trim()) return;
    const timer = setTimeout(() => setParam("q", searchText.trim()), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [searchText]);

  const setParam = (name: string, value: string) => {
    const params: Record<string, string> = {};
    route.params.forEach((v, k) => (params[k] = v));
    params[name] = value;
    navigate(href("/", params), true);
  };

  const items = page.data?.items ?? [];
  const meta = page.data?.meta;
  const titles = new Map(definitions.map((d) => [d.id, d.title]));
  const start = (cursors.length - 1) * PAGE_SIZE;

  const onKeyDown = (event: KeyboardEvent) => {
    if (items.length === 0) return;
    const index = items.findIndex((t) => t.id === selected);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const next = event.key === "ArrowDown" ? Math.min(items.length - 1, index + 1) : Math.max(0, index - 1);
      setSelected(items[next].id);
      // Focus follows the selection, so Enter (on the row's link) opens the selected run.
      document.querySelector<HTMLAnchorElement>(`#row-${CSS.escape(items[next].id)} a`)?.focus();
    } else if (event.key === "Enter" && selected && !(event.target instanceof HTMLAnchorElement)) {
      navigate(href(`/runs/${selected}`));
    }
  };

  return (
    <section aria-labelledby="runs-title">
      <div class="page-head">
        <h1 id="runs-title">Runs</h1>
        <LiveIndicator updatedAt={page.updatedAt} error={page.error} now={now} />
      </div>
      <div class="filters" role="search">
        <label class="field">
          <span class="field-label">Status</span>
          <select value={filter.status} onChange={(e) => setParam("status", e.currentTarget.value)} data-testid="filter-status">
            <option value="">All statuses</option>
            {TASK_STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span class="field-label">Definition</span>
          <select value={filter.definitionId} onChange={(e) => setParam("definition", e.currentTarget.value)} data-testid="filter-definition">
            <option value="">All definitions</option>
            {definitions.map((d) => (
              <option key={d.id} value={d.id}>
                {d.title}
              </option>
            ))}
            {filter.definitionId && !titles.has(filter.definitionId) ? <option value={filter.definitionId}>{filter.definitionId}</option> : null}
          </select>
        </label>
        <label class="field grow">
          <span class="field-label">Search by name</span>
          <input type="search" value={searchText} placeholder="Name contains…" onInput={(e) => setSearchText(e.currentTarget.value)} data-testid="filter-search" />
        </label>
        {filter.parentId ? (
          <div class="field">
            <span class="field-label">Parent</span>
            <span class="chip">
              <a href={href(`/runs/${filter.parentId}`)}>{filter.parentId}</a>
              <button type="button" class="icon-button" aria-label="Clear the parent filter" onClick={() => setParam("parent", "")}>
                ×
              </button>
            </span>
          </div>
        ) : null}
      </div>

      <StatusCounts filter={filter} params={Object.fromEntries(route.params)} />

      {page.error && !page.data ? <ErrorMessage error={page.error} /> : null}

      <BulkActions
        ids={[...checked]}
        onClear={() => setChecked(new Set())}
        onDone={() => {
          setChecked(new Set());
          page.refresh();
        }}
      />

      <div class="table-wrap" tabIndex={-1} onKeyDown={onKeyDown}>
        <table class="runs" aria-describedby="runs-hint" data-testid="runs-table">
          <thead>
            <tr>
              <th scope="col" class="check-cell">
                <input
                  type="checkbox"
                  aria-label="Select every run on this page"
                  checked={items.length > 0 && items.every((t) => checked.has(t.id))}
                  onChange={(e) => toggle(items.map((t) => t.id), e.currentTarget.checked)}
                  data-testid="select-page"
                />
              </th>
              <th scope="col">Status</th>
              <th scope="col">Name</th>
              <th scope="col">Definition</th>
              <th scope="col" class="num">Iterations</th>
              <th scope="col">Progress</th>
              <th scope="col">Started</th>
              <th scope="col">Finished</th>
              <th scope="col" class="num">Duration</th>
              <th scope="col">Age</th>
            </tr>
          </thead>
          <tbody>
            {items.map((task) => (
              <tr
                key={task.id}
                id={`row-${task.id}`}
                class={task.id === selected ? "selected" : ""}
                aria-selected={task.id === selected}
                data-task-id={task.id}
                onClick={(e) => {
                  setSelected(task.id);
                  if (!(e.target instanceof HTMLAnchorElement)) navigate(href(`/runs/${task.id}`));
                }}
              >
                <td class="check-cell" onClick={(e) => e.stopPropagation()}>
                  <input
                    type="checkbox"
                    aria-label={`Select ${task.name || task.id}`}
                    checked={checked.has(task.id)}
                    onChange={(e) => toggle([task.id], e.currentTarget.checked)}
                    data-testid="select-run"
                  />
                </td>
                <td data-label="Status">
                  <StatusBadge status={task.taskStatus} />
                </td>
                <td data-label="Name" class="name-cell">
                  <a href={href(`/runs/${task.id}`)} onFocus={() => setSelected(task.id)}>
                    {task.name || task.id}
                  </a>
                  <span class="muted mono small">{task.id}</span>
                </td>
                <td data-label="Definition">{titles.get(task.definitionId ?? "") ?? task.definitionId ?? "—"}</td>
                <td data-label="Iterations" class="num">
                  {formatNumber(task.iterations)}
                </td>
                <td data-label="Progress" class="progress-cell">
                  <ProgressBar progress={task.progress} status={task.taskStatus} compact />
                </td>
                <td data-label="Started">{delayedUntil(task, now) ? <DelayedUntil task={task} now={now} short /> : formatShort(task.startedOn, now)}</td>
                <td data-label="Finished">{formatShort(task.finishedOn, now)}</td>
                <td data-label="Duration" class="num" data-testid="duration">
                  {formatRunDuration(task, now)}
                </td>
                <td data-label="Age" title={task.createdOn}>
                  {formatAge(task.createdOn, now)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {page.data && items.length === 0 ? <p class="empty">No runs match these filters.</p> : null}
        {!page.data && !page.error ? <p class="empty">Loading…</p> : null}
      </div>
      <p id="runs-hint" class="visually-hidden">
        Use the arrow keys to move between runs and Enter to open one.
      </p>

      <nav class="pager" aria-label="Pages">
        <span class="muted">
          {meta ? (meta.totalCount === 0 ? "0 runs" : `${start + 1}–${start + items.length} of ${formatNumber(meta.totalCount)}`) : ""}
        </span>
        <button type="button" class="button" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          ← Newer
        </button>
        <button
          type="button"
          class="button"
          disabled={!meta?.hasMoreItems || !meta.cursor}
          onClick={() => meta?.cursor && setCursors((c) => [...c, meta.cursor])}
        >
          Older →
        </button>
      </nav>
    </section>
  );
}
