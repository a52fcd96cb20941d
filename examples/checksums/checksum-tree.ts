/**
 * `checksumTree`: a parent that fans out one `checksumDirectory` child per directory,
 * then continues with a wait for its children (`waitForChildren`: no polling; the last
 * child's finish wakes it), and aggregates their outputs into one manifest digest.
 * Written in the plain-object (Webiny v5) style.
 */
import { createHash } from "node:crypto";
import { createTaskDefinition, type Task } from "../../src/index.js";

/** What aggregate reads of a child task. */
type ChildTask = Pick<Task, "taskStatus"> & { input: unknown; output?: unknown };
import type { ChecksumDirectoryOutput } from "./checksum-directory.js";

export interface ChecksumTreeInput {
  directories: string[];
  algorithm?: "sha256" | "sha1" | "md5";
  /** Passed to each child: a directory with more files fails (and is reported in `failed`). */
  maxFiles?: number;
  /**
   * The longest wait for the children, in seconds; the children still unfinished then
   * are reported in `failed` with their status. Default: no limit.
   */
  timeoutSeconds?: number;
  /** Checkpoint: children were triggered. */
  triggered?: boolean;
}

export interface ChecksumTreeOutput {
  directories: number;
  files: number;
  totalBytes: number;
  /** sha256 over "directory/path checksum" lines of every file, sorted. */
  manifestDigest: string;
  failed: { directory: string; status: string; message?: string }[];
}

export const checksumTree = createTaskDefinition<ChecksumTreeInput, ChecksumTreeOutput>({
  id: "checksumTree",
  title: "Checksum directories in parallel",
  description: "Fans out one checksumDirectory child per directory, waits for all, aggregates a manifest digest.",
  createInputValidation: ({ validator: z }) =>
    z.object({
      directories: z.array(z.string().min(1)).min(1).max(100).meta({ examples: [["src", "examples"]] }),
      algorithm: z.enum(["sha256", "sha1", "md5"]).optional(),
      maxFiles: z.number().int().min(1).max(5000).optional(),
      timeoutSeconds: z.number().min(1).max(86_400).optional(),
    }),
  async run({ input, response, trigger, store, isAborted }) {
    if (isAborted()) return response.aborted();
    if (!input.triggered) {
      for (const directory of input.directories) {
        await trigger({ definition: "checksumDirectory", input: { directory, algorithm: input.algorithm, maxFiles: input.maxFiles }, name: `Checksum ${directory}` });
      }
      await store.addInfoLog({ message: `Triggered ${input.directories.length} children` });
      // Not claimed again until every child has finished (or the timeout passed).
      const timeout = input.timeoutSeconds === undefined ? {} : { seconds: input.timeoutSeconds };
      return response.continue({ triggered: true }, { waitForChildren: true, ...timeout });
    }
    const children = await store.listChildTasks("checksumDirectory");
    return response.done(aggregate(children));
  },
});

function aggregate(children: readonly ChildTask[]): ChecksumTreeOutput {
  const lines: string[] = [];
  const failed: ChecksumTreeOutput["failed"] = [];
  let files = 0;
  let totalBytes = 0;
  for (const child of children) {
    const directory = String((child.input as { directory?: unknown }).directory);
    if (child.taskStatus !== "success") {
      const message = (child.output as { error?: { message?: string } } | null)?.error?.message;
      failed.push({ directory, status: child.taskStatus, ...(message ? { message } : {}) });
      continue;
    }
    const output = child.output as unknown as ChecksumDirectoryOutput;
    files += output.files.length;
    totalBytes += output.totalBytes;
    for (const file of output.files) lines.push(`${directory}/${file.path} ${file.checksum}`);
  }
  lines.sort();
  return {
    directories: children.length,
    files,
    totalBytes,
    manifestDigest: createHash("sha256").update(lines.join("\n")).digest("hex"),
    failed,
  };
}
