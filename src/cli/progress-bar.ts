/**
 * A one-line progress bar. In a terminal it redraws in place (`\r`); elsewhere (pipes,
 * CI logs, tests) it prints a new line only when the text changes.
 */
import type { TaskProgress } from "../domain/task.js";

export function renderProgressBar(progress: TaskProgress | null | undefined, iterations: number, width = 30): string {
  const iteration = `iteration ${iterations}`;
  if (!progress) return `[${" ".repeat(width)}] ${iteration}`;
  const message = progress.message ? ` ${progress.message}` : "";
  if (progress.total === undefined || progress.total <= 0) {
    return `[${"~".repeat(width)}] ${progress.done} done, ${iteration}${message}`;
  }
  const ratio = Math.min(1, Math.max(0, progress.done / progress.total));
  const filled = Math.round(ratio * width);
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${percent} ${progress.done}/${progress.total}, ${iteration}${message}`;
}

export class ProgressLine {
  private last = "";
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream | NodeJS.WritableStream = process.stdout) {}

  private get tty(): boolean {
    return Boolean((this.stream as NodeJS.WriteStream).isTTY);
  }

  update(text: string): void {
    if (text === this.last) return;
    this.last = text;
    if (this.tty) {
      this.stream.write(`\r\x1b[2K${text}`);
      this.drawn = true;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  /** Prints a line above the bar (a log line) and redraws the bar below it. */
  println(line: string): void {
    if (this.tty && this.drawn) {
      this.stream.write(`\r\x1b[2K${line}\n${this.last}`);
    } else {
      this.stream.write(`${line}\n`);
    }
  }

  /** Leaves the bar on its own line. */
  finish(): void {
    if (this.tty && this.drawn) this.stream.write("\n");
    this.drawn = false;
  }
}
