/**
 * The bind values of the finish statements, in the positions their SQL names them
 * (one.ts, batch.ts, batch-logs.ts): every value is computed here, in JS, from the
 * item and its plan (finish-plan.ts), so the statements only copy them into the row.
 */
import { newId } from "../../../domain/ids.js";
import { finishPlan } from "../../finish-plan.js";
import type { TaskFinishParams } from "../../port/types.js";
import { boolArray, intArray, isoTime, textArray, timeArray } from "../arrays.js";
import { logItemColumns } from "../logs.js";
import { json } from "../row.js";

/**
 * An item's fields in bind order ($1 to $19 of every finish statement), with their SQL
 * types; NULL `iterations`, `run_at`, `finished_on`: keep the stored one.
 */
const FIELD_TYPES = {
  id: "text",
  token: "int",
  status: "text",
  now: "timestamptz",
  set_input: "bool",
  input: "jsonb",
  set_output: "bool",
  output: "jsonb",
  set_progress: "bool",
  progress: "jsonb",
  iterations: "int",
  run_at: "timestamptz",
  finished_on: "timestamptz",
  hook_pending: "bool",
  keep_owner: "bool",
  due_at: "timestamptz",
  in_place: "bool",
  bump_token: "bool",
  keep_lease_from: "timestamptz",
} as const;
type Field = keyof typeof FIELD_TYPES;
const FIELDS = Object.keys(FIELD_TYPES) as Field[];

/** The fields' SQL types, in bind order (for a check of the statements' casts). */
export const FINISH_BIND_TYPES: readonly string[] = FIELDS.map((field) => FIELD_TYPES[field]);

/** An item's values by field; times as epoch ms (each statement binds them its own way). */
function itemValues(p: TaskFinishParams): Record<Field, unknown> {
  const plan = finishPlan(p);
  return {
    id: p.id,
    token: p.leaseToken,
    status: p.status,
    now: p.now,
    set_input: p.input !== undefined,
    input: json(p.input),
    set_output: p.output !== undefined,
    output: json(p.output),
    set_progress: p.progress !== undefined,
    progress: json(p.progress),
    iterations: p.iterations ?? null,
    run_at: plan.runAt,
    finished_on: plan.finishedOn,
    hook_pending: plan.hookPending,
    keep_owner: plan.keepsClaim,
    due_at: plan.dueAt,
    in_place: plan.inPlace,
    bump_token: plan.bumpsToken,
    keep_lease_from: plan.keepLeaseFrom,
  };
}

/** Array literals by column type (arrays.ts). */
const ARRAY_OF = {
  text: textArray,
  jsonb: textArray,
  int: intArray,
  bool: boolArray,
  timestamptz: timeArray,
} as const satisfies Record<(typeof FIELD_TYPES)[Field], (values: never[]) => string>;

/** $1–$19 of batch.ts and batch-logs.ts: one array literal per field, an element per item. */
export function batchValues(params: readonly TaskFinishParams[]): unknown[] {
  const items = params.map(itemValues);
  return FIELDS.map((field) => (ARRAY_OF[FIELD_TYPES[field]] as (values: unknown[]) => string)(items.map((item) => item[field])));
}

/** The binds of one.ts: the item's fields ($1–$19), then its log record ($20–$23) and items ($24–$29). */
export function oneValues(p: TaskFinishParams): unknown[] {
  const item = itemValues(p);
  const log = p.log && p.log.items.length > 0 ? p.log : undefined;
  const items = (log?.items ?? []).map((item) => ({ item, now: log!.now }));
  return [
    // Times as ISO text: pg prints a Date field by field in local time.
    ...FIELDS.map((field) => (FIELD_TYPES[field] === "timestamptz" ? isoOrNull(item[field] as number | null) : item[field])),
    log ? newId(log.now) : null,
    log?.iteration ?? null,
    log?.executionName ?? null,
    log ? isoTime(log.now) : null,
    ...logItemColumns(items),
  ];
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : isoTime(ms);
}
