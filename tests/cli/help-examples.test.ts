/**
 * Every example command in `--help` runs as written in this repository: it names the
 * example config, definitions that config registers, and (for trigger) an input its
 * schema accepts, so that running it stores a task.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createProgram } from "../../src/cli/program.js";
import { loadConfig } from "../../src/cli/load-config.js";
import { EXAMPLES_CONFIG, ROOT, runCli, shellWords } from "./helpers.js";

/** The help of `stint` and of each of its commands, as the CLI prints it. */
async function allHelp(): Promise<{ command: string; text: string }[]> {
  const commands = ["", ...createProgram().commands.map((c) => c.name())];
  return Promise.all(
    commands.map(async (command) => {
      const result = await runCli(command ? [command, "--help"] : ["--help"]);
      assert.equal(result.code, 0, result.stderr);
      return { command: command || "stint", text: result.stdout };
    }),
  );
}

describe("the examples in --help", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-help-"));
  const examples: { help: string; line: string; words: string[] }[] = [];
  let definitionIds: string[] = [];

  before(async () => {
    for (const { command, text } of await allHelp()) {
      for (const line of text.split("\n").filter((l) => /^\s+stint \w/.test(l))) {
        examples.push({ help: command, line: line.trim(), words: shellWords(line.trim()) });
      }
    }
    definitionIds = ((await loadConfig(EXAMPLES_CONFIG)).config.definitions ?? []).map((d) => d.id);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("exist: the top-level help and trigger's show some", () => {
    assert.ok(examples.some((e) => e.help === "stint"), "stint --help has an example");
    assert.ok(examples.filter((e) => e.help === "trigger").length >= 2, "stint trigger --help has examples");
  });

  it("name this repository's example config and definitions it registers", () => {
    const commands = createProgram().commands.map((c) => c.name());
    for (const { line, words } of examples) {
      assert.ok(commands.includes(words[1]), `${line}: no command "${words[1]}"`);
      const config = words[words.indexOf("--config") + 1];
      assert.ok(words.includes("--config") && resolve(ROOT, config) === EXAMPLES_CONFIG && existsSync(resolve(ROOT, config)), `${line}: not the example config`);
      if (words[1] === "trigger") assert.ok(definitionIds.includes(words[2]), `${line}: "${words[2]}" is not one of ${definitionIds.join(", ")}`);
    }
  });

  it("trigger examples store their task when run as written (on a scratch database, without --watch)", async () => {
    const triggers = examples.filter((e) => e.words[1] === "trigger");
    for (const [index, { line, words }] of triggers.entries()) {
      const database = `sqlite:${join(dir, `example-${index}.db`)}`;
      const result = await runCli([...words.slice(1).filter((w) => w !== "--watch"), "--database", database]);
      assert.equal(result.code, 0, `${line}\n${result.stdout}${result.stderr}`);
      const tasks = await runCli(["tasks", "--database", database, "--json"]);
      assert.equal(JSON.parse(tasks.stdout).items[0]?.definitionId, words[2], line);
    }
  });
});
