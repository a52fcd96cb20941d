/**
 * The worker registry: every worker that beat recently, alive, lagging (missed a beat)
 * or gone (silent longer than its lease; forgotten an hour after its last beat), with
 * what each runs. Polled like the runs list.
 */
import { ErrorMessage } from "../components/error-message";
import { formatAge, formatDuration, formatNumber } from "../format";
import { useNow, usePolling } from "../hooks";
import { listWorkers } from "../queries";
import { href } from "../router";
import type { Definition, WorkerRow } from "../types";

const STATE_HELP: Record<string, string> = {
  alive: "Beating on time.",
  lagging: "Missed a heartbeat; its leases still hold.",
  gone: "Silent for longer than its lease: its tasks are free for other workers.",
};

export function WorkersPage({ definitions }: { definitions: Definition[] }) {
  const workers = usePolling(listWorkers, "workers");
  const now = useNow();
  const titles = new Map(definitions.map((d) => [d.id, d.title]));
  const items = workers.data ?? [];
  const alive = items.filter((w) => w.state === "alive").length;
  return (
    <section aria-labelledby="workers-title">
      <div class="page-head">
        <h1 id="workers-title">Workers</h1>
        {workers.data ? (
          <p class="muted" data-testid="workers-summary">
            {formatNumber(alive)} alive of {formatNumber(items.length)} registered
          </p>
        ) : null}
      </div>
      {workers.error && !workers.data ? <ErrorMessage error={workers.error} /> : null}
      <div class="table-wrap">
        <table class="workers" data-testid="workers-table">
          <thead>
            <tr>
              <th scope="col">State</th>
              <th scope="col">Worker</th>
              <th scope="col">Host · PID</th>
              <th scope="col">Version</th>
              <th scope="col">Started</th>
              <th scope="col">Last heartbeat</th>
              <th scope="col" class="num">Slots</th>
              <th scope="col">Running</th>
            </tr>
          </thead>
          <tbody>
            {items.map((worker) => (
              <WorkerLine key={worker.id} worker={worker} now={now} titles={titles} />
            ))}
          </tbody>
        </table>
        {workers.data && items.length === 0 ? <p class="empty">No worker is registered: start one with `stint worker`.</p> : null}
        {!workers.data && !workers.error ? <p class="empty">Loading…</p> : null}
      </div>
    </section>
  );
}

function WorkerLine({ worker, now, titles }: { worker: WorkerRow; now: number; titles: Map<string, string> }) {
  return (
    <tr data-worker-id={worker.id} data-state={worker.state}>
      <td data-label="State">
        <span class={`badge worker-${worker.state}`} title={STATE_HELP[worker.state]} data-testid="worker-state">
          <span class="dot" aria-hidden="true" />
          {worker.state}
        </span>
      </td>
      <td data-label="Worker" class="mono small">
        {worker.id}
      </td>
      <td data-label="Host · PID">
        {worker.host} · {worker.pid}
      </td>
      <td data-label="Version">{worker.version}</td>
      <td data-label="Started" title={worker.startedOn}>
        {formatAge(worker.startedOn, now)}
      </td>
      <td data-label="Last heartbeat" title={`${worker.lastHeartbeatOn} (every ${formatDuration(worker.heartbeatMs)}, lease ${formatDuration(worker.leaseMs)})`}>
        {formatAge(worker.lastHeartbeatOn, now)}
      </td>
      <td data-label="Slots" class="num">
        {formatNumber(worker.tasks.length)} / {formatNumber(worker.concurrency)}
      </td>
      <td data-label="Running">
        {worker.tasks.length === 0 ? (
          <span class="muted">—</span>
        ) : (
          <ul class="worker-tasks">
            {worker.tasks.map((task) => (
              <li key={task.id}>
                <a href={href(`/runs/${task.id}`)}>{task.name || task.id}</a>{" "}
                <span class="muted small">
                  {titles.get(task.definitionId ?? "") ?? task.definitionId} · iteration {task.iteration}
                  {task.attempt && task.attempt > 1 ? `, attempt ${task.attempt}` : ""}
                </span>
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}
