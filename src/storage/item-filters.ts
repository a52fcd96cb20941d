/**
 * Webiny's `items` filter of a log list, as both adapters read it: each filter becomes one
 * EXISTS over the log's items; a negated operator becomes NOT EXISTS of its positive form
 * (Webiny's CMS matches a list field when some element matches, and negates that).
 */
import type { Filter, FilterOp, LogItemField } from "./port/types.js";

const POSITIVE: Partial<Record<FilterOp, FilterOp>> = {
  not: "eq",
  not_in: "in",
  not_contains: "contains",
  not_startsWith: "startsWith",
  not_between: "between",
};

/** The filter to look for among the items, and whether the log must have no such item. */
export function itemCondition(filter: Filter<LogItemField>): { filter: Filter<LogItemField>; none: boolean } {
  const positive = POSITIVE[filter.op];
  return positive ? { filter: { ...filter, op: positive }, none: true } : { filter, none: false };
}
