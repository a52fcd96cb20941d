/** Every public definition with its limits and how many runs it has in each status. */
import type { Access } from "../access";
import { ErrorMessage } from "../components/error-message";
import { StatusBadge } from "../components/status";
import { formatNumber } from "../format";
import { usePolling } from "../hooks";
import { countRuns } from "../queries";
import { href } from "../router";
import { TASK_STATUSES, type Definition } from "../types";

interface Props {
  definitions: Definition[];
  error: unknown;
  access: Access;
  onTrigger: (definitionId: string) => void;
}

export function DefinitionsPage({ definitions, error, access, onTrigger }: Props) {
  const ids = definitions.map((d) => d.id);
  const counts = usePolling(() => countRuns(ids, TASK_STATUSES), ids.join(","), 5000);
  return (
    <section aria-labelledby="definitions-title">
      <div class="page-head">
        <h1 id="definitions-title">Definitions</h1>
      </div>
      <ErrorMessage error={error ?? (counts.data ? null : counts.error)} />
      {definitions.length === 0 && !error ? <p class="empty">No public task definition is registered.</p> : null}
      <div class="definition-grid">
        {definitions.map((definition) => {
          const byStatus = counts.data?.[definition.id];
          const total = byStatus ? Object.values(byStatus).reduce((a, b) => a + b, 0) : undefined;
          return (
            <article class="card definition" key={definition.id} data-definition={definition.id} aria-labelledby={`def-${definition.id}`}>
              <header class="definition-head">
                <div>
                  <h2 id={`def-${definition.id}`}>{definition.title}</h2>
                  <code class="muted">{definition.id}</code>
                </div>
                {access.write ? (
                  <button type="button" class="button primary" onClick={() => onTrigger(definition.id)} data-testid={`trigger-${definition.id}`}>
                    Trigger…
                  </button>
                ) : null}
              </header>
              <p>{definition.description ?? <span class="muted">No description.</span>}</p>
              <dl class="facts facts-inline">
                <div class="fact">
                  <dt>Max iterations</dt>
                  <dd>{formatNumber(definition.maxIterations)}</dd>
                </div>
                <div class="fact">
                  <dt>Input</dt>
                  <dd>{definition.inputSchema ? "validated (schema)" : "free JSON"}</dd>
                </div>
                <div class="fact">
                  <dt>Runs</dt>
                  <dd>
                    <a href={href("/", { definition: definition.id })}>{total === undefined ? "…" : formatNumber(total)}</a>
                  </dd>
                </div>
              </dl>
              <ul class="status-counts" aria-label={`Runs of ${definition.title} by status`}>
                {TASK_STATUSES.map((status) => (
                  <li key={status}>
                    <a href={href("/", { definition: definition.id, status })} data-count={status}>
                      <StatusBadge status={status} />
                      <span class="count">{byStatus ? formatNumber(byStatus[status]) : "…"}</span>
                    </a>
                  </li>
                ))}
              </ul>
            </article>
          );
        })}
      </div>
    </section>
  );
}
