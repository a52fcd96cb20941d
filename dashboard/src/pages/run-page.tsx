/**
 * One run: what it was asked (input) and answered (output), its progress, the
 * iteration timeline, logs per iteration, parent and children, and the actions the
 * key allows. Polled every 2 s while the run can still change.
 */
import { useEffect, useState } from "preact/hooks";
import type { Access } from "../access";
import { ErrorMessage } from "../components/error-message";
import { JsonView } from "../components/json-view";
import { LiveIndicator } from "../components/live";
import { DelayedUntil } from "../components/run-time";
import { ProgressBar, StatusBadge } from "../components/status";
import { between, delayedUntil, formatDateTime, formatDuration, formatNumber } from "../format";
import { useNow, usePolling } from "../hooks";
import { getTask, listTasks } from "../queries";
import { href, navigate } from "../router";
import type { Definition, TaskDetail, TaskLog } from "../types";
import { AbortDialog, DeleteDialog, RerunDialog } from "./task-actions";
import { Timeline } from "./timeline-view";
import { LogGroups } from "./log-groups";
import { ChildrenTable } from "./children-table";

interface Props {
  id: string;
  access: Access;
  definitions: Definition[];
  onDeleted: (task: TaskDetail) => void;
  notify: (message: string) => void;
}

const ACTIVE = new Set(["pending", "running"]);

export function RunPage({ id, access, definitions, onDeleted, notify }: Props) {
  const now = useNow();
  const [terminal, setTerminal] = useState(false);
  const run = usePolling(() => getTask(id), id, terminal ? 10_000 : 2000);
  const children = usePolling(() => listTasks({ parentId: id }, 50), `children:${id}`, terminal ? 10_000 : 3000);
  const [dialog, setDialog] = useState<"abort" | "delete" | "rerun" | null>(null);

  const task = run.data?.task;
  // A finished run changes rarely (only a delete elsewhere): poll it slowly.
  useEffect(() => setTerminal(!!task && !ACTIVE.has(task.taskStatus)), [task?.taskStatus]);

  if (run.error && !run.data) {
    return (
      <section>
        <Breadcrumb title={id} />
        <ErrorMessage error={run.error} />
      </section>
    );
  }
  if (!run.data) return <p class="empty">Loading…</p>;
  if (!task) {
    return (
      <section>
        <Breadcrumb title={id} />
        <div class="card empty">
          <p>
            There is no run with the id <code>{id}</code>; it may have been deleted.
          </p>
          <a class="button" href={href("/")}>
            Back to runs
          </a>
        </div>
      </section>
    );
  }

  const logs: TaskLog[] = run.data.logs;
  const definition = definitions.find((d) => d.id === task.definitionId);
  const duration = between(task.startedOn, task.finishedOn, now);
  const canAbort = access.write && ACTIVE.has(task.taskStatus);
  // Finished runs only: the API refuses a second live run of a pending or running one.
  const canRerun = access.write && !ACTIVE.has(task.taskStatus);
  const inputChanged = JSON.stringify(task.triggeredInput ?? null) !== JSON.stringify(task.input ?? null);
  const outputError = (task.output as { error?: unknown } | null)?.error;

  return (
    <section aria-labelledby="run-title" data-testid="run-detail" data-status={task.taskStatus}>
      <Breadcrumb title={task.name || task.id} />
      <div class="page-head run-head">
        <div class="run-title">
          <h1 id="run-title">{task.name || task.id}</h1>
          <StatusBadge status={task.taskStatus} />
        </div>
        <div class="run-actions">
          <LiveIndicator updatedAt={run.updatedAt} error={run.error} now={now} />
          {canAbort ? (
            <button type="button" class="button danger" onClick={() => setDialog("abort")} data-testid="abort-button">
              Abort…
            </button>
          ) : null}
          {canRerun ? (
            <button type="button" class="button" onClick={() => setDialog("rerun")} data-testid="rerun-button">
              Re-run…
            </button>
          ) : null}
          {access.remove ? (
            <button type="button" class="button" onClick={() => setDialog("delete")} data-testid="delete-button">
              Delete…
            </button>
          ) : null}
        </div>
      </div>
      <p class="muted run-sub">
        <a href={href("/", { definition: task.definitionId ?? undefined })}>{definition?.title ?? task.definitionId}</a>
        <span aria-hidden="true"> · </span>
        <span class="mono">{task.id}</span>
      </p>

      <div class="card">
        <h2 class="card-title">Progress</h2>
        {task.progress ? <ProgressBar progress={task.progress} status={task.taskStatus} /> : <p class="muted">The task has reported no progress.</p>}
      </div>

      <dl class="facts card">
        <Fact term="Created">{formatDateTime(task.createdOn)}</Fact>
        {delayedUntil(task, now) ? (
          <Fact term="Runs at">
            <DelayedUntil task={task} now={now} />
          </Fact>
        ) : null}
        <Fact term="Started">{formatDateTime(task.startedOn)}</Fact>
        <Fact term="Finished">{formatDateTime(task.finishedOn)}</Fact>
        <Fact term={task.finishedOn ? "Took" : "Running for"}>{duration === undefined ? "—" : formatDuration(duration)}</Fact>
        <Fact term="Iterations">
          <span data-testid="iterations">{formatNumber(task.iterations)}</span>
          {definition?.maxIterations ? <span class="muted"> of at most {formatNumber(definition.maxIterations)}</span> : null}
        </Fact>
        <Fact term="Execution">{task.executionName ? <span class="mono small">{task.executionName}</span> : "—"}</Fact>
        <Fact term="Created by">{task.createdBy?.displayName ?? "—"}</Fact>
        <Fact term="Priority">
          <span data-testid="priority">{formatNumber(task.priority ?? 0)}</span>
        </Fact>
        <Fact term="Idempotency key">{task.idempotencyKey ? <span class="mono small" data-testid="idempotency-key">{task.idempotencyKey}</span> : "—"}</Fact>
        <Fact term="Concurrency key">{task.concurrencyKey ? <span class="mono small" data-testid="concurrency-key">{task.concurrencyKey}</span> : "—"}</Fact>
        <Fact term="Re-run of">
          {task.rerunOf ? (
            <a href={href(`/runs/${task.rerunOf}`)} class="mono" data-testid="rerun-of-link">
              {task.rerunOf}
            </a>
          ) : (
            "—"
          )}
        </Fact>
        <Fact term="Parent">
          {task.parentId ? (
            <a href={href(`/runs/${task.parentId}`)} class="mono" data-testid="parent-link">
              {task.parentId}
            </a>
          ) : (
            "—"
          )}
        </Fact>
      </dl>

      <div class="two-col">
        {inputChanged ? (
          <div class="card" data-testid="triggered-input">
            <h2 class="card-title">Input as triggered</h2>
            <JsonView value={task.triggeredInput} label="Input as triggered" />
          </div>
        ) : null}
        <div class="card" data-testid="input">
          <h2 class="card-title">{inputChanged ? "Input (checkpoint)" : "Input"}</h2>
          <JsonView value={task.input} label={inputChanged ? "Input (checkpoint)" : "Input"} />
        </div>
        <div class={`card ${outputError ? "card-error" : ""}`}>
          <h2 class="card-title">{outputError ? "Output (error)" : "Output"}</h2>
          <JsonView value={task.output} label="Output" />
        </div>
      </div>

      <div class="card">
        <h2 class="card-title">Iterations</h2>
        <Timeline logs={logs} task={task} now={now} />
      </div>

      <div class="card" id="logs">
        <h2 class="card-title">Logs</h2>
        <LogGroups logs={logs} />
      </div>

      <div class="card">
        <h2 class="card-title">
          Children
          {children.data ? <span class="muted"> ({formatNumber(children.data.meta.totalCount)})</span> : null}
        </h2>
        <ChildrenTable page={children.data} error={children.error} parentId={task.id} definitions={definitions} now={now} />
      </div>

      {dialog === "abort" ? (
        <AbortDialog
          task={task}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            notify(`Abort requested for “${task.name || task.id}”.`);
            run.refresh();
          }}
        />
      ) : null}
      {dialog === "rerun" ? (
        <RerunDialog
          task={task}
          onClose={() => setDialog(null)}
          onDone={(created) => {
            setDialog(null);
            notify(`Re-run started: “${created.name || created.id}”.`);
            navigate(href(`/runs/${created.id}`));
          }}
        />
      ) : null}
      {dialog === "delete" ? (
        <DeleteDialog
          task={task}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            onDeleted(task);
          }}
        />
      ) : null}
    </section>
  );
}

function Breadcrumb({ title }: { title: string }) {
  return (
    <nav class="breadcrumb" aria-label="Breadcrumb">
      <a href={href("/")}>Runs</a>
      <span aria-hidden="true"> / </span>
      <span aria-current="page">{title}</span>
    </nav>
  );
}

function Fact({ term, children }: { term: string; children: preact.ComponentChildren }) {
  return (
    <div class="fact">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}
