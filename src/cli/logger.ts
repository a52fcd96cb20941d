/**
 * Structured logs for `dev`, `worker` and `serve` (pino). JSON lines when stdout is not
 * a terminal (for log shippers); in a terminal, a readable single line per record made
 * by the tiny formatter below (no pino-pretty dependency).
 */
import { pino, type Logger } from "pino";
import { UsageError } from "./errors.js";
import { contextLogFields } from "./log-context.js";

export type { Logger };

const LEVELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO ", 40: "WARN ", 50: "ERROR", 60: "FATAL" };
const COLORS: Record<number, string> = { 10: "90", 20: "90", 30: "32", 40: "33", 50: "31", 60: "35" };
// spanId: in JSON lines only (a terminal reader follows the trace id).
const HIDDEN = new Set(["level", "time", "msg", "pid", "hostname", "name", "spanId"]);

export interface LoggerOptions {
  /** @defaultValue process.env.STINT_LOG_LEVEL (checked) ?? "info" */
  level?: string;
  /** @defaultValue process.stdout.isTTY */
  pretty?: boolean;
  stream?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stdout;
  const pretty = options.pretty ?? Boolean((stream as NodeJS.WriteStream).isTTY);
  const level = options.level ?? logLevelFromEnv();
  const base = { name: "stint" };
  // Fields of the context a line is written in (the active trace's id): log-context.ts.
  const mixin = contextLogFields;
  if (!pretty) return pino({ level, base, mixin }, stream as never);
  const color = Boolean((stream as NodeJS.WriteStream).isTTY) && !process.env.NO_COLOR;
  return pino({ level, base, mixin }, { write: (line: string) => void stream.write(formatPretty(line, color)) });
}

/** STINT_LOG_LEVEL, checked here because pino's own refusal ("unknown level") does not say where the value came from. */
export function logLevelFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const value = env.STINT_LOG_LEVEL?.trim();
  if (!value) return "info";
  const known = [...Object.keys(pino.levels.values), "silent"];
  if (!known.includes(value)) throw new UsageError(`STINT_LOG_LEVEL must be one of ${known.join(", ")}, got "${value}"`);
  return value;
}

/** `12:00:01 INFO  task done id=… definition=importCsv` */
export function formatPretty(line: string, color = false): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line);
  } catch {
    return line.endsWith("\n") ? line : `${line}\n`;
  }
  const level = Number(record.level);
  const time = new Date(Number(record.time) || Date.now()).toTimeString().slice(0, 8);
  const label = LEVELS[level] ?? String(record.level);
  const paint = (text: string) => (color ? `\x1b[${COLORS[level] ?? "0"}m${text}\x1b[0m` : text);
  // An error's stack reads as lines under the record, not as one escaped JSON string.
  const err = record.err as { stack?: unknown } | undefined;
  let stack = "";
  if (err && typeof err === "object" && typeof err.stack === "string") {
    const { stack: text, ...rest } = err as { stack: string };
    record.err = rest;
    stack = text.split("\n").map((line) => `    ${line.trimStart()}\n`).join("");
  }
  const fields = Object.entries(record)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
  return `${time} ${paint(label)} ${String(record.msg ?? "")}${fields.length ? ` ${fields.join(" ")}` : ""}\n${stack}`;
}
