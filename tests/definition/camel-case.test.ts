/**
 * Stint's camelCase against lodash 4.17's. The expected values are lodash's: its
 * documented examples ("Foo Bar", "--foo-bar--", "__FOO_BAR__" → "fooBar") and what its
 * word splitter gives for digits, acronyms, ordinals, underscores, dashes and leading
 * capitals (lodash `words`: `reUnicodeWord`, `reAsciiWord`).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { camelCase, words } from "../../src/definition/camel-case.js";
import { isValidDefinitionId } from "../../src/definition/definition-id.js";

const LODASH: readonly (readonly [string, string])[] = [
  // lodash's documentation
  ["Foo Bar", "fooBar"],
  ["--foo-bar--", "fooBar"],
  ["__FOO_BAR__", "fooBar"],
  // leading capitals
  ["MyTask", "myTask"],
  ["FOO", "foo"],
  ["ABCDef", "abcDef"],
  ["XMLHttpRequest", "xmlHttpRequest"],
  // acronyms inside
  ["myID", "myId"],
  ["myHTTPServer", "myHttpServer"],
  ["fooBAR", "fooBar"],
  ["aB", "aB"],
  // digits: a word of their own
  ["task1", "task1"],
  ["task1a", "task1A"],
  ["a1b2", "a1B2"],
  ["v2Task", "v2Task"],
  ["1task", "1Task"],
  ["importCsv2", "importCsv2"],
  // ordinals stay one word; "11th" is not one (lodash's `(?![123])`)
  ["my1stTask", "my1stTask"],
  ["task2nd", "task2nd"],
  ["11th", "11Th"],
  // separators
  ["foo_bar", "fooBar"],
  ["foo-bar", "fooBar"],
  ["foo bar", "fooBar"],
  ["foo.bar/baz", "fooBarBaz"],
  // apostrophes are dropped before splitting
  ["don't stop", "dontStop"],
  ["", ""],
];

describe("camelCase (lodash 4.17)", () => {
  it("gives lodash's result for every id in the table", () => {
    const wrong = LODASH.filter(([input, expected]) => camelCase(input) !== expected).map(([input, expected]) => `${input}: ${camelCase(input)} ≠ ${expected}`);
    assert.deepEqual(wrong, []);
  });

  it("splits words as lodash does", () => {
    assert.deepEqual(words("myHTTPServer2go"), ["my", "HTTP", "Server", "2", "go"]);
    assert.deepEqual(words("foo bar"), ["foo", "bar"]);
  });
});

describe("definition ids (Webiny: camelCase(id) === id)", () => {
  it("accepts exactly the ids that are their own camelCase", () => {
    for (const [input, expected] of LODASH) {
      if (!/^[a-z][a-zA-Z0-9]*$/.test(input)) continue;
      assert.equal(isValidDefinitionId(input), input === expected, input);
    }
  });

  it("refuses what lodash would accept but GraphQL cannot spell (Stint's rule)", () => {
    for (const id of ["1Task", ""]) {
      assert.equal(camelCase(id), id);
      assert.equal(isValidDefinitionId(id), false, id);
    }
    // lodash reads other scripts as letters ("задача" is its own camelCase there).
    assert.equal(isValidDefinitionId("задача"), false);
  });
});
