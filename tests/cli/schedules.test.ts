/** `stint schedules` as a user runs it, and bad schedules in the config refused at load with exit code 2. */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, runCli } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "stint-cli-schedules-"));
const database = `sqlite:${join(dir, "stint.db")}`;
const definitionModule = pathToFileURL(join(ROOT, "src/definition/create-task-definition.ts")).href;

function writeConfig(name: string, schedules: string): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `import { createTaskDefinition } from ${JSON.stringify(definitionModule)};
const report = createTaskDefinition({ id: "report", title: "Report", run: ({ response }) => response.done() });
export default { definitions: [report], schedules: ${schedules} };
`,
  );
  return path;
}

describe("stint schedules", () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("lists the config's schedules (synced by a command that opens the store, here trigger) with their next runs, as text and JSON", async () => {
    const config = writeConfig("good.config.mjs", `[{ id: "nightly", definition: "report", cron: "0 3 * * *", timezone: "Europe/Paris", overlap: "skip" }]`);
    const migrated = await runCli(["trigger", "report", "--config", config, "--database", database]);
    assert.equal(migrated.code, 0, migrated.stderr);

    const text = await runCli(["schedules", "--config", config, "--database", database, "--next", "2"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^ID\s+DEFINITION\s+CRON\s+TIMEZONE\s+ENABLED\s+OVERLAP\s+SOURCE\s+NEXT RUNS\s+LAST TASK$/m);
    assert.match(text.stdout, /^nightly\s+report\s+0 3 \* \* \*\s+Europe\/Paris\s+yes\s+skip\s+config\s+\S+:00:00Z, \S+:00:00Z\s+-$/m);

    const json = await runCli(["schedules", "--config", config, "--database", database, "--json", "--next", "4"]);
    assert.equal(json.code, 0, json.stderr);
    const [schedule] = JSON.parse(json.stdout);
    assert.equal(schedule.id, "nightly");
    assert.equal(schedule.nextRuns.length, 4);
    assert.equal(schedule.nextRuns[0], schedule.nextRunAt);
  });

  it("refuses a bad --next with exit code 2", async () => {
    const result = await runCli(["schedules", "--database", database, "--next", "0"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--next/);
  });

  for (const [name, schedules, message] of [
    ["bad-cron.config.mjs", `[{ id: "a", definition: "report", cron: "61 * * * *" }]`, /schedules\[0\]: Invalid schedule cron/],
    ["bad-zone.config.mjs", `[{ id: "a", definition: "report", cron: "* * * * *", timezone: "Atlantis/Deep" }]`, /schedules\[0\]: Invalid schedule timezone/],
    ["unknown-def.config.mjs", `[{ id: "a", definition: "ghost", cron: "* * * * *" }]`, /schedules\[0\]: Invalid schedule definition/],
  ] as const) {
    it(`refuses a config with ${name.replace(".config.mjs", "")} at load: exit 2, nothing stored`, async () => {
      const fresh = `sqlite:${join(dir, `${name}.db`)}`;
      const result = await runCli(["worker", "--config", writeConfig(name, schedules), "--database", fresh]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, message);
      const listed = await runCli(["schedules", "--database", fresh]);
      // Refused before any store was opened: there is no store at all.
      assert.notEqual(listed.code, 0);
      assert.match(listed.stderr, /No Stint database|STORE_NOT_FOUND|not found/i);
    });
  }
});
