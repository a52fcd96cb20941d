/**
 * `stint init` in an app folder: what it writes on a fresh app, how it treats scripts the
 * app already has (terminal prompt, --yes, no terminal), and that bad input exits 2 and
 * changes nothing. (tests/package/ runs it from the installed package and then runs the
 * config it wrote.)
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INIT_CONFIG, runInit } from "../../src/cli/init.js";
import { runCli } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "stint-cli-init-"));
let count = 0;

/** A new app folder holding the given files (name → content). */
function app(files: Record<string, string> = {}): string {
  const dir = join(root, `app-${++count}`);
  mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** Every file of a folder with its content, to compare before and after. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), "utf8")]));
}

const FRESH = `{
  "name": "my-app",
  "version": "1.0.0",
  "main": "index.js",
  "scripts": {
    "test": "echo \\"Error: no test specified\\" && exit 1"
  },
  "dependencies": {
    "stint": "^0.1.0"
  }
}
`;

describe("stint init", () => {
  after(() => rmSync(root, { recursive: true, force: true }));

  it("on a fresh app writes stint.config.ts, adds both scripts, keeps everything else and prints the next command", async () => {
    const dir = app({ "package.json": FRESH });
    const result = await runCli(["init"], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readFileSync(join(dir, "stint.config.ts"), "utf8"), INIT_CONFIG);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    assert.deepEqual(pkg.scripts, { test: 'echo "Error: no test specified" && exit 1', "stint:dev": "stint dev", "stint:worker": "stint worker" });
    assert.deepEqual(Object.keys(pkg), ["name", "version", "main", "scripts", "dependencies"]);
    assert.match(readFileSync(join(dir, "package.json"), "utf8"), /^\{\n  "name"/, "keeps two-space indentation");
    assert.match(result.stdout, /Added to package\.json: "stint:dev", "stint:worker"\./);
    assert.match(result.stdout, /Next: npm run stint:dev/);
    assert.doesNotMatch(result.stdout, /npm install stint/, "stint is already a dependency");
  });

  it("adds a scripts section when there is none, keeps tab indentation, and says to install stint when it is missing", async () => {
    const dir = app({ "package.json": '{\n\t"name": "bare"\n}\n' });
    const result = await runCli(["init"], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readFileSync(join(dir, "package.json"), "utf8"), '{\n\t"name": "bare",\n\t"scripts": {\n\t\t"stint:dev": "stint dev",\n\t\t"stint:worker": "stint worker"\n\t}\n}\n');
    assert.match(result.stdout, /not in package\.json's dependencies yet: npm install stint/);
  });

  it("without a terminal leaves an existing script alone and says so; --yes replaces it", async () => {
    const pkg = `{"name":"a","scripts":{"stint:dev":"node my-dev.js","stint:worker":"stint worker"}}`;
    const dir = app({ "package.json": pkg });
    const kept = await runCli(["init"], { cwd: dir });
    assert.equal(kept.code, 0, kept.stderr);
    assert.equal(readFileSync(join(dir, "package.json"), "utf8"), pkg, "nothing to add, nothing replaced: package.json untouched");
    assert.match(kept.stdout, /Kept the existing "stint:dev" script in package\.json \(no terminal to ask in\); stint init --yes replaces it with "stint dev"\./);
    assert.match(kept.stdout, /Next: npx stint dev/);
    assert.ok(existsSync(join(dir, "stint.config.ts")));

    const again = app({ "package.json": pkg });
    const replaced = await runCli(["init", "--yes"], { cwd: again });
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.deepEqual(JSON.parse(readFileSync(join(again, "package.json"), "utf8")).scripts, { "stint:dev": "stint dev", "stint:worker": "stint worker" });
    assert.match(replaced.stdout, /Replaced in package\.json: "stint:dev"\./);
  });

  it("in a terminal asks before replacing each existing script and does what the answer says", async () => {
    const dir = app({ "package.json": `{"name":"a","scripts":{"stint:dev":"node a.js","stint:worker":"node b.js"}}` });
    const questions: string[] = [];
    const lines: string[] = [];
    const result = await runInit({
      cwd: dir,
      yes: false,
      // The user's answers: yes for the dev script, no for the worker.
      ask: async (question) => (questions.push(question), question.includes('"stint:dev"')),
      output: { out: (line = "") => lines.push(line), err: () => {} },
    });
    assert.deepEqual(questions, [
      'package.json already has "stint:dev": "node a.js". Replace it with "stint dev"?',
      'package.json already has "stint:worker": "node b.js". Replace it with "stint worker"?',
    ]);
    assert.deepEqual(result, { config: join(dir, "stint.config.ts"), added: [], replaced: ["stint:dev"], kept: ["stint:worker"] });
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).scripts, { "stint:dev": "stint dev", "stint:worker": "node b.js" });
    assert.ok(lines.some((line) => /Kept the existing "stint:worker" script in package\.json \(you said no\)/.test(line)), lines.join("\n"));
  });

  for (const [name, files, message] of [
    ["no package.json", { "index.js": "" }, /No package\.json in .*: run stint init in your app's folder/],
    ["an existing stint.config.ts", { "package.json": FRESH, "stint.config.ts": "export default {};\n" }, /stint\.config\.ts already exists; nothing changed/],
    ["an existing stint.config.js", { "package.json": FRESH, "stint.config.js": "export default {};\n" }, /stint\.config\.js already exists; nothing changed/],
    ["a package.json that is not JSON", { "package.json": "{ name: my-app }" }, /package\.json is not valid JSON/],
    ["a package.json whose scripts are not an object", { "package.json": '{"name":"a","scripts":["dev"]}' }, /"scripts" in .* is not an object/],
  ] as const) {
    it(`refuses ${name}: exit 2, one line, nothing changed`, async () => {
      const dir = app(files);
      const before = snapshot(dir);
      const result = await runCli(["init", "--yes"], { cwd: dir });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
      assert.deepEqual(snapshot(dir), before);
    });
  }
});
