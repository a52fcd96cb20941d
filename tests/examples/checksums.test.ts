import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestStint, type TestStint } from "../../src/testing/index.js";
import { MemoryAuditLog } from "../../examples/checksums/audit-log.js";
import { createChecksumDirectory } from "../../examples/checksums/checksum-directory.js";
import { checksumTree } from "../../examples/checksums/checksum-tree.js";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("examples: checksumDirectory (zod + every hook) and checksumTree (fan-out)", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-example-sums-"));
  const audit = new MemoryAuditLog();
  let stint: TestStint;

  before(async () => {
    for (const name of ["a", "b"]) mkdirSync(join(dir, name, "nested"), { recursive: true });
    writeFileSync(join(dir, "a", "one.txt"), "one");
    writeFileSync(join(dir, "a", "nested", "two.txt"), "two");
    writeFileSync(join(dir, "b", "three.txt"), "three");
    mkdirSync(join(dir, "b", "node_modules"));
    writeFileSync(join(dir, "b", "node_modules", "skipped.js"), "skipped");
    stint = await createTestStint({ definitions: [createChecksumDirectory(audit), checksumTree] });
  });
  after(async () => {
    await stint.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("hashes a directory in batches and calls onBeforeTrigger and onDone", async () => {
    audit.entries.length = 0;
    const task = await stint.runTask({ definition: "checksumDirectory", input: { directory: join(dir, "a"), filesPerIteration: 1 } });
    assert.equal(task.taskStatus, "success");
    assert.equal(task.iterations, 2);
    assert.deepEqual(task.output?.files, [
      { path: join("nested", "two.txt"), bytes: 3, checksum: sha256("two") },
      { path: "one.txt", bytes: 3, checksum: sha256("one") },
    ]);
    assert.deepEqual(audit.entries.map((e) => e.event), ["triggered", "done"]);
  });

  it("refuses invalid input (zod) and a directory that does not exist (onBeforeTrigger), storing nothing", async () => {
    const before = (await stint.tasks.listTasks()).meta.totalCount;
    await assert.rejects(stint.tasks.trigger({ definition: "checksumDirectory", input: { directory: dir, algorithm: "crc32" } }), {
      code: "VALIDATION_FAILED_INVALID_FIELDS",
    });
    // onBeforeTrigger's own error, unchanged (a plain Error: no code).
    await assert.rejects(stint.tasks.trigger({ definition: "checksumDirectory", input: { directory: join(dir, "missing") } }), (error: unknown) => {
      assert.ok(error instanceof Error && !("code" in error));
      assert.match(error.message, /is not a directory/);
      return true;
    });
    assert.equal((await stint.tasks.listTasks()).meta.totalCount, before);
  });

  it("calls onError when the task fails and onMaxIterations when it runs out of iterations", async () => {
    audit.entries.length = 0;
    const failed = await stint.runTask({ definition: "checksumDirectory", input: { directory: dir, maxFiles: 1 } });
    assert.equal(failed.taskStatus, "failed");
    assert.deepEqual(audit.entries.map((e) => e.event), ["triggered", "error"]);

    audit.entries.length = 0;
    const limitedAudit = new MemoryAuditLog();
    const limited = await createTestStint({ definitions: [createChecksumDirectory(limitedAudit, { maxIterations: 2 })] });
    try {
      const task = await limited.runTask({ definition: "checksumDirectory", input: { directory: dir, filesPerIteration: 1 } });
      assert.equal(task.taskStatus, "failed");
      assert.deepEqual(limitedAudit.entries.map((e) => e.event), ["triggered", "max-iterations", "error"]);
    } finally {
      await limited.close();
    }
  });

  it("calls onAbort once when a pending task is aborted", async () => {
    audit.entries.length = 0;
    const task = await stint.tasks.trigger({ definition: "checksumDirectory", input: { directory: join(dir, "b") }, delay: 60 });
    const aborted = await stint.tasks.abort({ id: task.id });
    assert.equal(aborted.taskStatus, "aborted");
    assert.deepEqual(audit.entries.map((e) => e.event), ["triggered", "aborted"]);
  });

  it("fans out one child per directory, waits for all of them and aggregates a manifest", async () => {
    const parent = await stint.runTask({ definition: checksumTree, input: { directories: [join(dir, "a"), join(dir, "b")] } });
    assert.equal(parent.taskStatus, "success");
    assert.equal(parent.iterations, 2, "one iteration fans out, the next aggregates: none spent polling");
    const children = await stint.tasks.listChildren(parent.id);
    assert.equal(children.length, 2);
    assert.ok(children.every((child) => child.taskStatus === "success"));
    const lines = [
      `${join(dir, "a")}/${join("nested", "two.txt")} ${sha256("two")}`,
      `${join(dir, "a")}/one.txt ${sha256("one")}`,
      `${join(dir, "b")}/three.txt ${sha256("three")}`,
    ].sort();
    assert.deepEqual(parent.output, { directories: 2, files: 3, totalBytes: 11, manifestDigest: sha256(lines.join("\n")), failed: [] });
  });

  it("reports failed children in the aggregate instead of failing the parent", async () => {
    const parent = await stint.runTask({ definition: checksumTree, input: { directories: [join(dir, "a"), dir], algorithm: "md5", maxFiles: 2 } });
    assert.equal(parent.taskStatus, "success");
    assert.equal(parent.iterations, 2);
    assert.equal(parent.output?.files, 2);
    assert.deepEqual(parent.output?.failed, [{ directory: dir, status: "failed", message: "3 files, more than maxFiles (2)." }]);
  });
});
