/**
 * Trigger a definition: a form built from its input schema (or a JSON editor), an
 * optional name and delay, a confirmation step, and the API's message when refused.
 * The input is checked against the schema here first (json-schema-check.ts): the
 * confirmation step is reached only with input the schema allows. A run left unnamed
 * is named after its definition and the time (`defaultRunName`); the API's own default
 * stays the bare title, as in Webiny.
 */
import { useMemo, useState } from "preact/hooks";
import { Dialog } from "../components/dialog";
import { ErrorMessage } from "../components/error-message";
import { defaultRunName } from "../format";
import { checkAgainstSchema, formatPath, type SchemaIssue } from "../json-schema-check";
import { triggerTask } from "../queries";
import { buildInput, fieldsOf, initialValues, valuesFromInput, type Field, type FormValues } from "../schema-form";
import type { Definition, TaskRow } from "../types";

interface Props {
  definitions: Definition[];
  initialDefinition?: string;
  onClose: () => void;
  onTriggered: (task: TaskRow) => void;
}

export function TriggerDialog({ definitions, initialDefinition, onClose, onTriggered }: Props) {
  const [definitionId, setDefinitionId] = useState(initialDefinition ?? definitions[0]?.id ?? "");
  const definition = definitions.find((d) => d.id === definitionId);
  return (
    <Dialog title="Trigger a task" onClose={onClose} wide>
      {definitions.length === 0 ? (
        <p class="dialog-body">No public task definition is registered.</p>
      ) : (
        <div class="dialog-body">
          <label class="field">
            <span class="field-label">Definition</span>
            <select value={definitionId} onChange={(e) => setDefinitionId(e.currentTarget.value)} data-testid="trigger-definition">
              {definitions.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.title} ({d.id})
                </option>
              ))}
            </select>
          </label>
          {definition?.description ? <p class="muted small">{definition.description}</p> : null}
          {definition ? <TriggerForm key={definition.id} definition={definition} onCancel={onClose} onTriggered={onTriggered} /> : null}
        </div>
      )}
    </Dialog>
  );
}

function TriggerForm({ definition, onCancel, onTriggered }: { definition: Definition; onCancel: () => void; onTriggered: (task: TaskRow) => void }) {
  const fields = useMemo(() => fieldsOf(definition.inputSchema), [definition]);
  const [mode, setMode] = useState<"form" | "json">(fields ? "form" : "json");
  const [values, setValues] = useState<FormValues>(() => (fields ? initialValues(fields) : {}));
  const [json, setJson] = useState("{\n  \n}");
  const [name, setName] = useState("");
  const [delay, setDelay] = useState("");
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [confirming, setConfirming] = useState<{ input: unknown; delay?: number; name: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const readInput = (): { input: unknown } | null => {
    if (mode === "form" && fields) {
      const built = buildInput(fields, values);
      setFieldErrors(built.errors);
      return Object.keys(built.errors).length > 0 ? null : { input: built.input };
    }
    try {
      const parsed: unknown = json.trim() === "" ? {} : JSON.parse(json);
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        setFieldErrors({ $json: "The input must be a JSON object." });
        return null;
      }
      setFieldErrors({});
      return { input: parsed };
    } catch (e) {
      setFieldErrors({ $json: `Not valid JSON: ${(e as Error).message}` });
      return null;
    }
  };

  const switchMode = (next: "form" | "json") => {
    if (next === mode || !fields) return;
    if (next === "json") {
      setJson(JSON.stringify(buildInput(fields, values).input, null, 2));
    } else {
      try {
        setValues(valuesFromInput(fields, JSON.parse(json) as Record<string, unknown>));
      } catch {
        // Unparseable JSON: keep the form as it was.
      }
    }
    setFieldErrors({});
    setMode(next);
  };

  const onSubmit = (event: Event) => {
    event.preventDefault();
    setError(null);
    const read = readInput();
    if (!read) return;
    const issues = checkAgainstSchema(definition.inputSchema, read.input);
    if (issues.length > 0) {
      setFieldErrors(mode === "form" && fields ? formErrors(fields, issues) : { $json: issues.map(issueText).join("\n") });
      return;
    }
    const seconds = delay.trim() === "" ? undefined : Number(delay);
    if (seconds !== undefined && (!Number.isFinite(seconds) || seconds < 0)) {
      setFieldErrors({ $delay: "A number of seconds, 0 or more." });
      return;
    }
    setConfirming({ input: read.input, delay: seconds, name: name.trim() || defaultRunName(definition.title, new Date()) });
  };

  const confirm = async () => {
    if (!confirming) return;
    setBusy(true);
    setError(null);
    try {
      const task = await triggerTask(definition.id, confirming.input, confirming.name, confirming.delay);
      onTriggered(task);
    } catch (e) {
      setError(e);
      setConfirming(null);
    } finally {
      setBusy(false);
    }
  };

  if (confirming) {
    return (
      <div class="confirm" data-testid="trigger-confirm">
        <p>
          Trigger <strong>{definition.title}</strong> as <strong data-testid="trigger-confirm-name">{confirming.name}</strong>
          {confirming.delay ? ` in ${confirming.delay} s` : ""} with this input?
        </p>
        <pre class="json small">{JSON.stringify(confirming.input, null, 2)}</pre>
        <div class="actions">
          <button type="button" class="button" onClick={() => setConfirming(null)} disabled={busy}>
            Back
          </button>
          <button type="button" class="button primary" onClick={confirm} disabled={busy} autoFocus>
            {busy ? "Triggering…" : "Yes, trigger"}
          </button>
        </div>
      </div>
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      {fields ? (
        <div class="segmented" role="group" aria-label="Input editor">
          <button type="button" class={mode === "form" ? "active" : ""} aria-pressed={mode === "form"} onClick={() => switchMode("form")}>
            Form
          </button>
          <button type="button" class={mode === "json" ? "active" : ""} aria-pressed={mode === "json"} onClick={() => switchMode("json")}>
            JSON
          </button>
        </div>
      ) : (
        <p class="muted small">This definition declares no input schema: write the input as JSON.</p>
      )}
      {mode === "form" && fields ? (
        <fieldset class="form-grid">
          <legend class="visually-hidden">Input</legend>
          {fields.map((field) => (
            <FieldInput
              key={field.name}
              field={field}
              value={values[field.name]}
              error={fieldErrors[field.name]}
              onChange={(value) => setValues((v) => ({ ...v, [field.name]: value }))}
            />
          ))}
        </fieldset>
      ) : (
        <label class="field">
          <span class="field-label">Input (JSON)</span>
          <textarea
            class="code-input"
            rows={10}
            value={json}
            spellcheck={false}
            onInput={(e) => setJson(e.currentTarget.value)}
            aria-invalid={fieldErrors.$json ? true : undefined}
            data-testid="trigger-json"
          />
          {fieldErrors.$json ? <span class="field-error">{fieldErrors.$json}</span> : null}
        </label>
      )}
      <div class="form-row">
        <label class="field">
          <span class="field-label">Name <span class="muted">(optional)</span></span>
          <input
            type="text"
            value={name}
            placeholder={`${definition.title} · time of trigger`}
            onInput={(e) => setName(e.currentTarget.value)}
            data-testid="trigger-name"
          />
        </label>
        <label class="field">
          <span class="field-label">Delay in seconds <span class="muted">(optional)</span></span>
          <input type="number" min={0} value={delay} onInput={(e) => setDelay(e.currentTarget.value)} />
          {fieldErrors.$delay ? <span class="field-error">{fieldErrors.$delay}</span> : null}
        </label>
      </div>
      {fieldErrors.$form ? (
        <p class="field-error" data-testid="trigger-form-error">
          {fieldErrors.$form}
        </p>
      ) : null}
      <ErrorMessage error={error} />
      <div class="actions">
        <button type="button" class="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" class="button primary" data-testid="trigger-submit">
          Trigger…
        </button>
      </div>
    </form>
  );
}

function FieldInput({ field, value, error, onChange }: { field: Field; value: string | boolean | undefined; error?: string; onChange: (value: string | boolean) => void }) {
  const id = `field-${field.name}`;
  const label = (
    <span class="field-label">
      {field.label}
      {field.required ? <span class="required" aria-label="required"> *</span> : <span class="muted"> (optional)</span>}
    </span>
  );
  const common = { id, name: field.name, "aria-invalid": error ? true : undefined, "data-field": field.name };
  let control;
  switch (field.kind) {
    case "boolean":
      control = field.required ? (
        <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />
      ) : (
        <select {...common} value={String(value ?? "")} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">(default)</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      );
      break;
    case "enum":
      control = (
        <select {...common} value={String(value ?? "")} onChange={(e) => onChange(e.currentTarget.value)}>
          {field.required ? null : <option value="">(default)</option>}
          {field.options?.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      );
      break;
    case "number":
    case "integer":
      control = (
        <input
          type="number"
          {...common}
          step={field.kind === "integer" ? 1 : "any"}
          min={field.min}
          max={field.max}
          placeholder={field.placeholder}
          value={String(value ?? "")}
          onInput={(e) => onChange(e.currentTarget.value)}
        />
      );
      break;
    case "strings":
    case "json":
      control = (
        <textarea
          {...common}
          class={field.kind === "json" ? "code-input" : ""}
          rows={3}
          placeholder={field.kind === "strings" ? (field.placeholder ?? "one per line") : (field.placeholder ?? "JSON")}
          value={String(value ?? "")}
          spellcheck={false}
          onInput={(e) => onChange(e.currentTarget.value)}
        />
      );
      break;
    default:
      control = (
        <input type="text" {...common} placeholder={field.placeholder} value={String(value ?? "")} onInput={(e) => onChange(e.currentTarget.value)} />
      );
  }
  const hint =
    field.kind === "strings" ? "One per line." : field.kind === "json" ? "JSON value." : field.min !== undefined || field.max !== undefined ? rangeHint(field) : undefined;
  return (
    <div class={`field ${field.kind === "boolean" && field.required ? "field-inline" : ""}`}>
      <label for={id}>{label}</label>
      {control}
      {field.description ? <span class="field-hint">{field.description}</span> : null}
      {hint ? <span class="field-hint">{hint}</span> : null}
      {error ? <span class="field-error">{error}</span> : null}
    </div>
  );
}

function rangeHint(field: Field): string {
  if (field.min !== undefined && field.max !== undefined) return `${field.min} to ${field.max}.`;
  return field.min !== undefined ? `At least ${field.min}.` : `At most ${field.max}.`;
}

function issueText(issue: SchemaIssue): string {
  return issue.path.length === 0 ? issue.message : `${formatPath(issue.path)}: ${issue.message}`;
}

/** Each issue beside its top-level field (a nested one says where inside it); the rest above the buttons. */
function formErrors(fields: Field[], issues: SchemaIssue[]): Record<string, string> {
  const names = new Set(fields.map((field) => field.name));
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const [first, ...rest] = issue.path;
    const key = typeof first === "string" && names.has(first) ? first : "$form";
    const text = key === "$form" ? issueText(issue) : rest.length === 0 ? issue.message : `${formatPath(rest)}: ${issue.message}`;
    errors[key] = errors[key] ? `${errors[key]} ${text}` : text;
  }
  return errors;
}
