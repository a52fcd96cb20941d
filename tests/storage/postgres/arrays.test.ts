/**
 * The array literals the adapter binds (src/storage/postgres/arrays.ts) read back from
 * PostgreSQL as the values they were built from, whatever the strings hold.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import pg from "pg";
import { isPostgresReachable, POSTGRES_TEST_URL } from "../../helpers/stores.js";
import { boolArray, intArray, textArray, timeArray } from "../../../src/storage/postgres/arrays.js";

const reachable = await isPostgresReachable();

describe("postgres array literals", { skip: !reachable && "PostgreSQL not reachable" }, () => {
  let client: pg.Client;
  before(async () => {
    client = new pg.Client({ connectionString: POSTGRES_TEST_URL });
    await client.connect();
  });
  after(() => client?.end());

  /** Each element of the array as PostgreSQL reads it: text, or null. */
  async function readBack(literal: string, type: string): Promise<(string | null)[]> {
    const { rows } = await client.query<{ v: string | null }>(`SELECT v::text FROM unnest($1::${type}[]) WITH ORDINALITY AS a(v, n) ORDER BY n`, [literal]);
    return rows.map((r) => r.v);
  }

  it("text: quotes, backslashes, commas, braces, spaces, NULL-looking words, unicode, empty strings and nulls", async () => {
    const awkward = ['a"b', "back\\slash", "\\\"", "x,y", "{}", "{a,b}", " lead", "trail ", "NULL", "null", "", "émoji 🎉", "new\nline\ttab", null];
    assert.deepEqual(await readBack(textArray(awkward), "text"), awkward);
    assert.deepEqual(await readBack(textArray([]), "text"), []);
  });

  it("text: any strings PostgreSQL can store come back unchanged (property)", async () => {
    const noNul = fc.string({ unit: "binary" }).map((s) => s.replaceAll("\u0000", ""));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.option(noNul, { nil: null }), { maxLength: 20 }), async (values) => {
        assert.deepEqual(await readBack(textArray(values), "text"), values);
      }),
      { numRuns: 200 },
    );
  });

  it("jsonb from JSON text, int, bool and timestamptz (ms precision, UTC)", async () => {
    const json = [JSON.stringify({ q: 'say "hi"', b: "\\" }), "null", null];
    const { rows } = await client.query(`SELECT $1::jsonb[] AS j, $2::int[] AS i, $3::boolean[] AS b, $4::timestamptz[] AS t`, [
      textArray(json),
      intArray([0, -7, 2_147_483_647, null]),
      boolArray([true, false, null]),
      timeArray([0, 1_800_000_000_123, new Date(1_700_000_000_999), null]),
    ]);
    assert.deepEqual(rows[0].j, [{ q: 'say "hi"', b: "\\" }, null, null]);
    assert.deepEqual(rows[0].i, [0, -7, 2_147_483_647, null]);
    assert.deepEqual(rows[0].b, [true, false, null]);
    assert.deepEqual(rows[0].t.map((d: Date | null) => d?.getTime() ?? null), [0, 1_800_000_000_123, 1_700_000_000_999, null]);
  });

  it("refuses a time PostgreSQL would misread", () => {
    assert.throws(() => timeArray([Date.UTC(10_000, 0, 1)]), RangeError);
    assert.throws(() => timeArray([Number.NaN]), RangeError);
  });
});
