/** Plain-text tables and `--json` output; every command prints through here. */
import type { TaskProgress } from "../domain/task.js";
import type { TaskRecord } from "../domain/task-record.js";
import type { TaskLog, LogItem } from "../domain/log.js";

export interface Output {
  out(line?: string): void;
  err(line?: string): void;
}

export const stdio: Output = {
  out: (line = "") => void process.stdout.write(`${line}\n`),
  err: (line = "") => void process.stderr.write(`${line}\n`),
};

export function printJson(value: unknown, output: Output = stdio): void {
  output.out(JSON.stringify(value, null, 2));
}

/** Left-aligned columns, two spaces apart; cells are cut at `maxWidth`. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], maxWidth = 48): string {
  const clip = (cell: string) => (cell.length > maxWidth ? `${cell.slice(0, maxWidth - 1)}…` : cell);
  const all = [headers, ...rows].map((row) => row.map((cell) => clip(cell.replace(/\s+/g, " "))));
  const widths = headers.map((_, column) => Math.max(...all.map((row) => row[column]?.length ?? 0)));
  return all.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join("  ").trimEnd()).join("\n");
}

/** `from`: a Date or an ISO string (TaskService records carry ISO strings). */
export function formatAge(from: Date | string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - new Date(from).getTime()) / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

export function formatProgress(progress: TaskProgress | null | undefined): string {
  if (!progress) return "-";
  if (progress.total && progress.total > 0) return `${Math.floor((progress.done / progress.total) * 100)}%`;
  return String(progress.done);
}

export function taskRow(task: TaskRecord, now = Date.now()): string[] {
  return [
    task.id,
    task.definitionId,
    task.taskStatus,
    String(task.iterations),
    formatProgress(task.progress),
    formatAge(task.createdOn, now),
  ];
}

export const TASK_HEADERS = ["ID", "DEFINITION", "STATUS", "ITERATIONS", "PROGRESS", "AGE"] as const;

/** `item.createdOn`: a Date or an ISO string (TaskService log records carry ISO strings). */
export function formatLogItem(log: Pick<TaskLog, "iteration">, item: Omit<LogItem, "createdOn"> & { createdOn: Date | string }): string {
  const time = new Date(item.createdOn).toISOString().slice(11, 19);
  const level = item.type === "error" ? "ERROR" : "info ";
  const data = item.data === undefined ? "" : ` ${compactJson(item.data)}`;
  const error = item.error === undefined ? "" : ` ${compactJson(item.error)}`;
  return `${time} #${log.iteration} ${level} ${item.message}${data}${error}`;
}

export function compactJson(value: unknown, max = 200): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
