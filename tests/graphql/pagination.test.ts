/**
 * Cursor pagination over HTTP: 120 pending runs read 50 at a time with `after`, every
 * run exactly once, the last page ending with `cursor: null`.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { TEST_DEFINITIONS } from "./definitions.js";
import { ERROR_FIELDS, startApi, type Api } from "./helpers.js";

for (const kind of await storeKinds()) {
  describe(`GraphQL pagination (${kind.name})`, () => {
    let api: Api;
    let triggered: string[];
    before(async () => {
      api = await startApi(kind, { definitions: TEST_DEFINITIONS });
      // Delayed so they stay pending; no worker runs here anyway.
      const tasks = await api.stint.tasks.triggerMany(
        Array.from({ length: 120 }, (_, index) => ({ definition: "someTask", name: `run ${index}`, delay: 3600 })),
      );
      triggered = tasks.map((task) => task.id);
    });
    after(async () => {
      await api?.close();
    });

    async function page(after: string | null, sort?: string) {
      const answer = await api.gql(
        `query ($after: String) { backgroundTasks { listTasks(limit: 50, after: $after${sort ? `, sort: [${sort}]` : ""}) {
          data { id name } meta { cursor hasMoreItems totalCount } ${ERROR_FIELDS} } } }`,
        { after },
      );
      const result = answer.body.data.backgroundTasks.listTasks;
      assert.equal(result.error, null);
      return result as { data: { id: string }[]; meta: { cursor: string | null; hasMoreItems: boolean; totalCount: number } };
    }

    it("walks 120 runs in pages of 50 and ends with cursor null", async () => {
      const first = await page(null);
      const second = await page(first.meta.cursor);
      const third = await page(second.meta.cursor);
      assert.deepEqual([first.data.length, second.data.length, third.data.length], [50, 50, 20]);
      assert.deepEqual([first.meta.hasMoreItems, second.meta.hasMoreItems, third.meta.hasMoreItems], [true, true, false]);
      assert.equal(typeof first.meta.cursor, "string");
      assert.equal(third.meta.cursor, null);
      for (const result of [first, second, third]) assert.equal(result.meta.totalCount, 120);
      const seen = [...first.data, ...second.data, ...third.data].map((task) => task.id);
      assert.equal(new Set(seen).size, 120);
      assert.deepEqual([...seen].sort(), [...triggered].sort());
    });

    it("pages the same way oldest first with a v6 sorter", async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const result = await page(cursor, "values_createdOn_ASC");
        seen.push(...result.data.map((task) => task.id));
        cursor = result.meta.cursor;
        pages++;
      } while (cursor !== null && pages < 10);
      assert.equal(pages, 3);
      assert.equal(new Set(seen).size, 120);
    });

    it("answers a forged cursor with an envelope error, not a crash", async () => {
      const result = await api.gql(`query { backgroundTasks { listTasks(after: "not-a-cursor") { data { id } ${ERROR_FIELDS} } } }`);
      const list = result.body.data.backgroundTasks.listTasks;
      assert.equal(list.data, null);
      assert.equal(typeof list.error.code, "string");
      assert.equal(list.error.stack, null);
    });
  });
}
