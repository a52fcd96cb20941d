/**
 * `stint abort` and `stint delete` with filter flags: --dry-run counts, no terminal and no
 * --yes refuses (exit 2, nothing changed), --yes acts, --limit caps; and the single-task
 * forms (`stint delete <id>` aborts a pending task first).
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertUsageError, runCli, writeHelloConfig } from "./helpers.js";

describe("stint abort / stint delete with filter flags (SQLite)", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-bulk-"));
  writeHelloConfig(dir, { database: `sqlite:${join(dir, "stint.db")}` });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function statuses(): Promise<string[]> {
    const listed = await runCli(["tasks", "--json"], { cwd: dir });
    assert.equal(listed.code, 0, listed.stderr);
    return (JSON.parse(listed.stdout).items as { taskStatus: string }[]).map((t) => t.taskStatus).sort();
  }

  it("counts, refuses without --yes and a terminal, then aborts and deletes at most --limit", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const triggered = await runCli(["trigger", "helloWorld", "--input", '{"name":"Ada"}', "--delay", "600", "--json"], { cwd: dir });
      assert.equal(triggered.code, 0, triggered.stderr);
      ids.push(JSON.parse(triggered.stdout).id);
    }
    const dry = await runCli(["abort", "--definition", "helloWorld", "--dry-run"], { cwd: dir });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^3 tasks match \(dry run: nothing changed\)\./);

    const refused = await runCli(["abort", "--definition", "helloWorld", "--status", "pending", "running"], { cwd: dir });
    assertUsageError(refused, /Abort 3 tasks\?.*pass --yes.*\[INVALID_ARGUMENT\]/);
    assert.deepEqual(await statuses(), ["pending", "pending", "pending"]);

    const some = await runCli(["abort", "--definition", "helloWorld", "--limit", "2", "--yes"], { cwd: dir });
    assert.equal(some.code, 0, some.stderr);
    assert.match(some.stdout, /^2 tasks aborted\./);
    assert.deepEqual(await statuses(), ["aborted", "aborted", "pending"]);

    const deleted = await runCli(["delete", "--status", "aborted", "--yes", "--json"], { cwd: dir });
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.deepEqual(JSON.parse(deleted.stdout), { count: 2, dryRun: false });
    assert.deepEqual(await statuses(), ["pending"]);

    const [pending] = (JSON.parse((await runCli(["tasks", "--json"], { cwd: dir })).stdout).items as { id: string }[]);
    const one = await runCli(["delete", pending.id], { cwd: dir });
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /deleted/);
    assert.deepEqual(await statuses(), []);
  });

  it("refuses a bulk command without filters, an id with filters, and a bad --limit", async () => {
    assertUsageError(await runCli(["delete", "--yes"], { cwd: dir }), /give a task id, or filter flags/);
    assertUsageError(await runCli(["abort", "someId", "--status", "running"], { cwd: dir }), /either a task id or filter flags/);
    assertUsageError(await runCli(["abort", "--status", "running", "--limit", "0"], { cwd: dir }), /--limit must be a whole number/);
    assertUsageError(await runCli(["delete", "--status", "nope", "--dry-run"], { cwd: dir }), /INVALID_ARGUMENT/);
  });
});
