import { ErrorMessage } from "../components/error-message";
import { ProgressBar, StatusBadge } from "../components/status";
import { formatAge, formatNumber } from "../format";
import type { TaskPage } from "../queries";
import { href } from "../router";
import type { Definition } from "../types";

export function ChildrenTable(props: { page: TaskPage | undefined; error: unknown; parentId: string; definitions: Definition[]; now: number }) {
  const { page, error, parentId, now } = props;
  if (error && !page) return <ErrorMessage error={error} />;
  if (!page) return <p class="muted">Loading…</p>;
  if (page.items.length === 0) return <p class="muted">This run has triggered no child tasks.</p>;
  const titles = new Map(props.definitions.map((d) => [d.id, d.title]));
  return (
    <>
      <table class="runs children" data-testid="children">
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Name</th>
            <th scope="col">Definition</th>
            <th scope="col" class="num">Iterations</th>
            <th scope="col">Progress</th>
            <th scope="col">Age</th>
          </tr>
        </thead>
        <tbody>
          {page.items.map((child) => (
            <tr key={child.id}>
              <td data-label="Status">
                <StatusBadge status={child.taskStatus} />
              </td>
              <td data-label="Name" class="name-cell">
                <a href={href(`/runs/${child.id}`)}>{child.name || child.id}</a>
              </td>
              <td data-label="Definition">{titles.get(child.definitionId ?? "") ?? child.definitionId}</td>
              <td data-label="Iterations" class="num">
                {formatNumber(child.iterations)}
              </td>
              <td data-label="Progress" class="progress-cell">
                <ProgressBar progress={child.progress} status={child.taskStatus} compact />
              </td>
              <td data-label="Age">{formatAge(child.createdOn, now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.meta.hasMoreItems ? (
        <p>
          <a href={href("/", { parent: parentId })}>All {formatNumber(page.meta.totalCount)} children →</a>
        </p>
      ) : null}
    </>
  );
}
