/** Every schedule: its cron and timezone, the next five runs, the last task, and an enable switch for keys with `w`. */
import { useState } from "preact/hooks";
import type { Access } from "../access";
import { ErrorMessage } from "../components/error-message";
import { formatDateTime } from "../format";
import { usePolling } from "../hooks";
import { listSchedules, setScheduleEnabled } from "../queries";
import { href } from "../router";

export function SchedulesPage({ access }: { access: Access }) {
  const schedules = usePolling(listSchedules, "schedules", 10_000);
  const [changeError, setChangeError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);

  async function toggle(id: string, enabled: boolean) {
    setBusy(id);
    setChangeError(null);
    try {
      await setScheduleEnabled(id, enabled);
      schedules.refresh();
    } catch (error) {
      setChangeError(error);
    } finally {
      setBusy(null);
    }
  }

  const list = schedules.data ?? [];
  return (
    <section aria-labelledby="schedules-title">
      <div class="page-head">
        <h1 id="schedules-title">Schedules</h1>
      </div>
      <ErrorMessage error={changeError ?? (schedules.data ? null : schedules.error)} />
      {schedules.data && list.length === 0 ? <p class="empty">No schedules. Declare them in the config (`schedules`) or create them with the API.</p> : null}
      {list.length > 0 ? (
        <div class="table-wrap">
        <table data-testid="schedules">
          <thead>
            <tr>
              <th>Schedule</th>
              <th>Cron</th>
              <th>Next runs</th>
              <th>Last task</th>
              <th>Enabled</th>
            </tr>
          </thead>
          <tbody>
            {list.map((schedule) => (
              <tr key={schedule.id} data-schedule={schedule.id}>
                <td>
                  <strong>{schedule.name ?? schedule.id}</strong>
                  <div class="muted">
                    <code>{schedule.id}</code> → <a href={href("/", { definition: schedule.definitionId })}>{schedule.definitionId}</a> · {schedule.source}
                    {schedule.overlap === "skip" ? " · skips overlaps" : ""}
                  </div>
                </td>
                <td>
                  <code>{schedule.cron}</code>
                  <div class="muted">{schedule.timezone}</div>
                </td>
                <td>
                  {schedule.nextRuns.length ? (
                    <ol class="next-runs">
                      {schedule.nextRuns.map((run) => (
                        <li key={run}>{formatDateTime(run)}</li>
                      ))}
                    </ol>
                  ) : (
                    <span class="muted">none (disabled)</span>
                  )}
                </td>
                <td>{schedule.lastTaskId ? <a href={href(`/runs/${encodeURIComponent(schedule.lastTaskId)}`)}>{formatDateTime(schedule.lastRunAt)}</a> : <span class="muted">-</span>}</td>
                <td>
                  <label>
                    <input
                      type="checkbox"
                      role="switch"
                      checked={schedule.enabled}
                      disabled={!access.write || busy === schedule.id}
                      aria-label={`Enable schedule ${schedule.id}`}
                      onChange={(event) => void toggle(schedule.id, (event.target as HTMLInputElement).checked)}
                    />
                    {schedule.enabled ? " on" : " off"}
                  </label>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      ) : null}
    </section>
  );
}
