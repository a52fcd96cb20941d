/**
 * lodash's `camelCase` (4.17), rewritten for the one use Stint has for it: Webiny accepts a
 * definition id only when `camelCase(id) === id`. lodash is not a dependency; this follows
 * its algorithm step by step: split into words (`words`: the ASCII splitter, or the
 * "unicode word" one as soon as the text has a case change, a digit next to a letter or a
 * character other than letters, digits and spaces), drop apostrophes first, lower-case every
 * word, upper-case the first letter of every word but the first, and join.
 *
 * Faithful for ASCII text. lodash also folds Latin-1 letters (`deburr`: "é" → "e") and
 * treats other scripts as letters; Stint refuses non-ASCII definition ids before asking
 * (they cannot be GraphQL enum values), so that part is not reproduced.
 */

/** lodash `reAsciiWord`: runs of anything but ASCII punctuation, controls and spaces. */
const ASCII_WORD = /[^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+/g;

/** lodash `reHasUnicodeWord`: text that needs the finer splitter. */
const HAS_UNICODE_WORD = /[a-z][A-Z]|[A-Z]{2}[a-z]|[0-9][a-zA-Z]|[a-zA-Z][0-9]|[^a-zA-Z0-9 ]/;

// lodash `reUnicodeWord`, its character classes reduced to ASCII. Every ASCII character
// that is not a letter or digit is a break (lodash `rsBreakRange`); "misc" letters do not
// occur in ASCII, so `rsMiscUpper`/`rsMiscLower` are plain upper/lower.
const BREAK = "[\\x00-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f]";
const UPPER = "[A-Z]";
const LOWER = "[a-z]";
const UNICODE_WORD = new RegExp(
  [
    `${UPPER}?${LOWER}+(?=${BREAK}|${UPPER}|$)`,
    `${UPPER}+(?=${BREAK}|${UPPER}${LOWER}|$)`,
    `${UPPER}?${LOWER}+`,
    `${UPPER}+`,
    // Ordinals stay whole words: "1ST", "2nd", "11th".
    "\\d*(?:1ST|2ND|3RD|(?![123])\\dTH)(?=\\b|[a-z_])",
    "\\d*(?:1st|2nd|3rd|(?![123])\\dth)(?=\\b|[A-Z_])",
    "\\d+",
  ].join("|"),
  "g",
);

const APOSTROPHES = /['\u2019]/g;

export function words(text: string): string[] {
  const pattern = HAS_UNICODE_WORD.test(text) ? UNICODE_WORD : ASCII_WORD;
  return text.match(pattern) ?? [];
}

export function camelCase(text: string): string {
  return words(text.replace(APOSTROPHES, "")).reduce((result, word, index) => {
    const lower = word.toLowerCase();
    return result + (index === 0 ? lower : lower.charAt(0).toUpperCase() + lower.slice(1));
  }, "");
}
