import { describe, it } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { isPostgresReachable, withAdminClient } from "../../helpers/stores.js";
import { parseTimestamptz } from "../../../src/storage/postgres/types.js";

const reference = pg.types.getTypeParser(1184, "text") as (text: string) => Date | string;
const reachable = await isPostgresReachable();

function same(text: string): void {
  const fast = parseTimestamptz(text);
  const slow = reference(text);
  if (fast instanceof Date && slow instanceof Date) assert.equal(fast.getTime(), slow.getTime(), text);
  else assert.deepEqual(fast, slow, text);
}

describe("postgres timestamptz parsing", () => {
  it("reads what pg's own parser reads, to the millisecond", () => {
    for (const text of [
      "2026-11-28 05:38:23+00",
      "2026-11-28 05:38:23.1+00",
      "2026-11-28 05:38:23.12+00",
      "2026-11-28 05:38:23.123+00",
      "2026-11-28 05:38:23.123456+00",
      "2026-11-28 05:38:23.999999+00",
      "2023-11-14 22:13:20.001-08",
      "2023-11-14 22:13:20.001+05:30",
      "2023-11-14 22:13:20+05:45",
      "1901-12-13 20:45:52+00:09:21",
      "2000-02-29 00:00:00+14",
      "1970-01-01 00:00:00+00",
      "9999-12-31 23:59:59.999-12",
    ]) {
      same(text);
    }
  });

  it("hands shapes it does not know to pg's parser", () => {
    for (const text of ["infinity", "-infinity", "0044-03-15 12:00:00+00 BC", "0099-01-01 00:00:00+00", "12345-01-01 00:00:00+00", "2026-11-28T05:38:23Z"]) {
      same(text);
    }
  });

  it("reads the server's own output in several time zones", { skip: !reachable && "PostgreSQL not reachable" }, async () => {
    await withAdminClient(async (client) => {
      for (const zone of ["UTC", "America/Los_Angeles", "Asia/Kolkata", "Asia/Kathmandu", "Pacific/Chatham"]) {
        await client.query(`SET TimeZone = '${zone}'`);
        const { rows } = await client.query<{ t: string }>(
          `SELECT (to_timestamp(x / 1000.0))::text AS t
           FROM unnest(ARRAY[0, 1700000000123, 1700000000001, 1709164800500, -2208988800000, 253402300799999]::bigint[]) AS x`,
        );
        for (const { t } of rows) same(t);
      }
    });
  });
});
