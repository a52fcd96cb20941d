/**
 * `checksumDirectory`: hashes every file under a directory, a batch of files per
 * iteration. Shows zod input validation and every lifecycle hook:
 * - `onBeforeTrigger` refuses a directory that does not exist (nothing is stored);
 * - `onDone`, `onError`, `onAbort`, `onMaxIterations` write to an injected audit log.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import type { z as Zod } from "zod";
import { TaskDefinition, type HookParams, type BeforeTriggerParams } from "../../src/index.js";
import type { AuditLog } from "./audit-log.js";

export type ChecksumAlgorithm = "sha256" | "sha1" | "md5";

export interface ChecksumDirectoryInput {
  directory: string;
  /** Default "sha256". */
  algorithm?: ChecksumAlgorithm;
  /** Refuse directories with more files than this. Default 500. */
  maxFiles?: number;
  /** Files hashed per iteration before a checkpoint. Default 100. */
  filesPerIteration?: number;
  /** Checkpoint: files hashed so far. */
  files?: FileChecksum[];
}

export interface FileChecksum {
  path: string;
  bytes: number;
  checksum: string;
}

export interface ChecksumDirectoryOutput {
  directory: string;
  algorithm: ChecksumAlgorithm;
  files: FileChecksum[];
  totalBytes: number;
}

const SKIPPED_DIRECTORIES = new Set(["node_modules", ".git", ".stint", "dist"]);

class ChecksumDirectory implements TaskDefinition.Interface<ChecksumDirectoryInput, ChecksumDirectoryOutput> {
  id = "checksumDirectory";
  title = "Checksum a directory";
  description = "Hashes every file under a directory (skipping node_modules, .git, dist), in batches.";
  maxIterations: number;

  constructor(private readonly audit: AuditLog, options: ChecksumDirectoryOptions = {}) {
    this.maxIterations = options.maxIterations ?? 100;
  }

  createInputValidation({ validator: z }: { validator: typeof Zod }) {
    return z.object({
      directory: z.string().min(1).meta({ examples: ["examples"] }),
      algorithm: z.enum(["sha256", "sha1", "md5"]).optional(),
      maxFiles: z.number().int().min(1).max(5000).optional(),
      filesPerIteration: z.number().int().min(1).max(10_000).optional(),
    });
  }

  async onBeforeTrigger({ data }: BeforeTriggerParams<ChecksumDirectoryInput>) {
    const info = await stat(data.input.directory).catch(() => null);
    if (!info?.isDirectory()) throw new Error(`"${data.input.directory}" is not a directory.`);
    await this.audit.record({ event: "triggered", definitionId: data.definitionId, detail: { directory: data.input.directory } });
  }

  async run({ input, controller }: TaskDefinition.RunParams<ChecksumDirectoryInput, ChecksumDirectoryOutput>) {
    const algorithm = input.algorithm ?? "sha256";
    const maxFiles = input.maxFiles ?? 500;
    const perIteration = input.filesPerIteration ?? 100;
    const done = [...(input.files ?? [])];
    const doneBefore = done.length;

    const paths = await listFiles(input.directory);
    if (paths.length > maxFiles) {
      return controller.response.error({ message: `${paths.length} files, more than maxFiles (${maxFiles}).`, code: "TOO_MANY_FILES" });
    }
    for (let index = done.length; index < paths.length; index++) {
      if (controller.runtime.isAborted()) return controller.response.aborted();
      // At least one file per iteration, so a task always moves forward.
      if (index > doneBefore && (index - doneBefore >= perIteration || controller.runtime.isCloseToTimeout())) {
        return controller.response.continue({ files: done });
      }
      const path = paths[index];
      done.push({ path, ...(await checksumFile(join(input.directory, path), algorithm)) });
      controller.progress.set({ done: done.length, total: paths.length, message: path });
    }
    controller.logger.info({ message: `Hashed ${done.length} files with ${algorithm}` });
    return controller.response.done({
      directory: input.directory,
      algorithm,
      files: done,
      totalBytes: done.reduce((sum, file) => sum + file.bytes, 0),
    });
  }

  async onDone({ task }: HookParams<ChecksumDirectoryInput, ChecksumDirectoryOutput>) {
    await this.audit.record({ event: "done", definitionId: this.id, taskId: task.id, detail: { files: task.output?.files.length } });
  }

  async onError({ task }: HookParams<ChecksumDirectoryInput, ChecksumDirectoryOutput>) {
    await this.audit.record({ event: "error", definitionId: this.id, taskId: task.id, detail: task.output });
  }

  async onAbort({ task }: HookParams<ChecksumDirectoryInput, ChecksumDirectoryOutput>) {
    await this.audit.record({ event: "aborted", definitionId: this.id, taskId: task.id });
  }

  async onMaxIterations({ task }: HookParams<ChecksumDirectoryInput, ChecksumDirectoryOutput>) {
    await this.audit.record({ event: "max-iterations", definitionId: this.id, taskId: task.id, detail: { iterations: task.iterations } });
  }
}

export interface ChecksumDirectoryOptions {
  /** @defaultValue 100 */
  maxIterations?: number;
}

export function createChecksumDirectory(audit: AuditLog, options: ChecksumDirectoryOptions = {}) {
  return TaskDefinition.createImplementation({ implementation: ChecksumDirectory, dependencies: [audit, options] as const });
}

/** Files under `directory`, relative and sorted, so every iteration sees the same order. */
export async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath ?? entry.path, entry.name)))
    .filter((path) => !path.split(/[\\/]/).some((part) => SKIPPED_DIRECTORIES.has(part)))
    .sort();
}

function checksumFile(file: string, algorithm: ChecksumAlgorithm): Promise<{ bytes: number; checksum: string }> {
  return new Promise((resolve, reject) => {
    const hash = createHash(algorithm);
    let bytes = 0;
    createReadStream(file)
      .on("data", (chunk) => {
        bytes += chunk.length;
        hash.update(chunk);
      })
      .on("error", reject)
      .on("end", () => resolve({ bytes, checksum: hash.digest("hex") }));
  });
}
