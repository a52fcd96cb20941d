/**
 * A separate process for the multi-process tests: opens the SQLite file given on the
 * command line and claims (or migrates) until there is nothing left, printing JSON lines.
 * It starts only once the file `<file>.go` exists, so every process starts together.
 * Usage: claimer.fixture.ts <file> <workerId> claim|migrate
 */
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { createSqliteStorage } from "../../../src/storage/sqlite/index.js";

const [filename, workerId, mode] = process.argv.slice(2);
process.stdout.write(JSON.stringify({ ready: true }) + "\n");
while (!existsSync(`${filename}.go`)) await sleep(2);
const adapter = createSqliteStorage({ filename, busyTimeoutMs: 20_000 });
try {
  if (mode === "migrate") {
    await adapter.migrate();
    process.stdout.write(JSON.stringify({ migrated: true }) + "\n");
  } else {
    let empty = 0;
    // A few empty rounds in a row: the other process may still be mid-claim.
    while (empty < 3) {
      const claimed = await adapter.taskClaim({ workerId, limit: 5, now: Date.now(), leaseMs: 600_000, definitionIds: ["sendEmail"] });
      empty = claimed.length === 0 ? empty + 1 : 0;
      for (const c of claimed) process.stdout.write(JSON.stringify({ id: c.task.id, workerId }) + "\n");
      // A breath between claims, as a worker running them would take, lets the others in.
      if (claimed.length > 0) await sleep(1);
    }
  }
} finally {
  await adapter.close();
}
