/**
 * Shared pieces of the fault tests: a task that checkpoints every iteration (so a lost or
 * repeated iteration shows in its output), a store wrapper that can pretend the disk is
 * full, and a check that every task ended with all its iterations.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { Errors } from "../../src/domain/errors.js";
import type { TaskRecord as Task } from "../../src/domain/task-record.js";
import type { StorageAdapter } from "../../src/storage/port/index.js";

export interface StepsInput {
  k: number;
  workMs?: number;
  /** Time spent in onDone, ms (counted when the hook starts). */
  hookMs?: number;
  checkpoint?: number[];
}

/** K iterations; each appends its number to the checkpoint; onDone calls are counted. */
export function stepsDefinition(onDone: Map<string, number>) {
  return createTaskDefinition<StepsInput, { checkpoint: number[] }>({
    id: "steps",
    title: "Steps",
    run: async ({ input, response }) => {
      await new Promise((r) => setTimeout(r, input.workMs ?? 20));
      const checkpoint = [...(input.checkpoint ?? []), (input.checkpoint?.length ?? 0) + 1];
      return checkpoint.length < input.k ? response.continue({ checkpoint }) : response.done({ checkpoint });
    },
    onDone: async ({ task }) => {
      onDone.set(task.id, (onDone.get(task.id) ?? 0) + 1);
      const hookMs = (task.input as StepsInput).hookMs ?? 0;
      if (hookMs > 0) await new Promise((r) => setTimeout(r, hookMs));
    },
  });
}

/** Problems with tasks that should all have ended in success with every iteration once. */
export function checkAllDone(tasks: (Task | null)[], onDone: Map<string, number>): string[] {
  const problems: string[] = [];
  for (const task of tasks) {
    if (!task) {
      problems.push("a triggered task is missing");
      continue;
    }
    const k = (task.input as StepsInput).k;
    const want = JSON.stringify(Array.from({ length: k }, (_, i) => i + 1));
    if (task.taskStatus !== "success") problems.push(`${task.id}: ${task.taskStatus}`);
    const got = JSON.stringify((task.output as { checkpoint?: number[] } | null)?.checkpoint);
    if (got !== want) problems.push(`${task.id}: checkpoint ${got}, expected ${want}`);
    if (task.iterations !== k) problems.push(`${task.id}: iterations ${task.iterations}, expected ${k}`);
    if ((onDone.get(task.id) ?? 0) !== 1) problems.push(`${task.id}: onDone ran ${onDone.get(task.id) ?? 0} times`);
  }
  return problems;
}

export interface FullDisk {
  adapter: StorageAdapter;
  full: boolean;
  /** Calls refused while full, by method. */
  refused: Record<string, number>;
}

/** Wraps an adapter so that, while `full` is set, the listed writes throw STORAGE_FULL. */
export function fullDisk(inner: StorageAdapter, methods: readonly string[] = ["taskCreateMany", "taskFinishMany"]): FullDisk {
  const state: FullDisk = { adapter: undefined as unknown as StorageAdapter, full: false, refused: {} };
  state.adapter = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      if (typeof prop === "string" && methods.includes(prop)) {
        return async (...args: unknown[]) => {
          if (state.full) {
            state.refused[prop] = (state.refused[prop] ?? 0) + 1;
            throw Errors.storageFull();
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return state;
}

/** Starts the SQLite locker child and resolves once it holds the lock. */
export async function lockSqliteFile(file: string, holdMs: number): Promise<{ released: Promise<void> }> {
  const script = fileURLToPath(new URL("../fixtures/chaos-sqlite-locker.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script, file, String(holdMs)], { stdio: ["ignore", "pipe", "inherit"] });
  const released = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("locked")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`locker exited early (${code})`)));
  });
  return { released };
}
