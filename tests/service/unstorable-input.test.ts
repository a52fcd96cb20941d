/**
 * Input a store cannot keep as given is refused at trigger with a typed error naming the
 * path, on both stores, storing nothing: a lone UTF-16 surrogate or NUL in a string or a
 * key (PostgreSQL's jsonb refuses the first, SQLite would store it garbled), a name
 * holding one, and a number JSON cannot hold (NaN, ±Infinity: `1e999` parsed from JSON).
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { startApi, rawRequest, type Api } from "../graphql/helpers.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { isStintError } from "../../src/domain/errors.js";

const HIGH = "😀".slice(0, 1);
const LOW = "😀".slice(1);

const echo = createTaskDefinition<Record<string, unknown>>({
  id: "echo",
  title: "Echo",
  run: ({ input, response }) => response.done({ echoed: input }),
});

/** Rejects with INVALID_ARGUMENT whose argument is `path`. */
function refusedAt(path: string, reason: RegExp) {
  return (error: unknown) => {
    assert.ok(isStintError(error, "INVALID_ARGUMENT"), String(error));
    assert.equal((error.data as { argument: string }).argument, path);
    assert.match((error.data as { reason: string }).reason, reason);
    return true;
  };
}

for (const kind of await storeKinds()) {
  describe(`unstorable trigger input (${kind.name})`, () => {
    const fixtures: StintFixture[] = [];
    const apis: Api[] = [];
    after(() => Promise.all([...fixtures.map((f) => f.close()), ...apis.map((a) => a.close())]));

    it("refuses lone surrogates, NUL and non-finite numbers, naming the path, and stores nothing", async () => {
      const f = await stintFixture(kind, [echo]);
      fixtures.push(f);
      const surrogate = /lone UTF-16 surrogate/;
      const finite = /finite number/;
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ text: `a${HIGH}` }, "input.text", surrogate],
        [{ list: ["ok", [`${LOW}b`]] }, "input.list.1.0", surrogate],
        [{ deep: { [`key${HIGH}`]: 1 } }, `input.deep.key\uFFFD`, surrogate],
        [{ nul: "a\u0000" }, "input.nul", surrogate],
        [{ n: Number("1e999") }, "input.n", finite],
        [{ n: [1, -Infinity] }, "input.n.1", finite],
        [{ a: { b: NaN } }, "input.a.b", finite],
      ];
      for (const [input, path, reason] of cases) {
        await assert.rejects(f.stint.tasks.trigger({ definition: echo, input }), refusedAt(path, reason), path);
      }
      await assert.rejects(f.stint.tasks.trigger({ definition: echo, name: `cut${HIGH}` }), refusedAt("name", surrogate));
      await assert.rejects(f.stint.tasks.trigger({ definition: echo, name: `${LOW}` }), refusedAt("name", surrogate));
      // One bad trigger among many: none is stored.
      await assert.rejects(
        f.stint.tasks.triggerMany([{ definition: echo, input: { fine: 1 } }, { definition: echo, input: { bad: Infinity } }]),
        refusedAt("input.bad", finite),
      );
      assert.equal((await f.stint.tasks.listTasks()).meta.totalCount, 0);
    });

    it("keeps whole surrogate pairs, huge and tiny numbers, and never cuts a name inside a pair", async () => {
      const f = await stintFixture(kind, [echo]);
      fixtures.push(f);
      const input = { emoji: "😀 and 👍🏽", big: 1e308, tiny: 5e-324, negative: -1.5e-300, nulls: [null, { a: null }], text: "\\ud83d is text" };
      const task = await f.stint.tasks.trigger({ definition: echo, input, name: `${"x".repeat(254)}😀` });
      assert.equal(task.name, "x".repeat(254), "cut before the pair, not inside it");
      await f.worker.drain();
      const stored = (await f.stint.tasks.getTask(task.id))!;
      assert.equal(stored.taskStatus, "success");
      assert.deepEqual(stored.input, input);
      assert.deepEqual(stored.output, { echoed: input });
      assert.equal(stored.name, "x".repeat(254));
    });

    it("answers GraphQL triggers carrying them with the typed error, not INTERNAL_ERROR", async () => {
      const api = await startApi(kind, { definitions: [echo] });
      apis.push(api);
      const mutation = "mutation ($i: JSON) { backgroundTasks { triggerTask(definition: echo, input: $i) { data { id } error { code data } } } }";
      // Raw bodies: JSON.stringify would write Infinity as null, and a lone surrogate as its escape anyway.
      for (const [variables, path] of [
        ['{"i":{"n":1e999}}', "input.n"],
        ['{"i":{"s":"x\\ud83d"}}', "input.s"],
        ['{"i":{"s":["\\udc00"]}}', "input.s.0"],
      ] as const) {
        const answer = await rawRequest(api.server.url, {
          headers: { "content-type": "application/json", accept: "application/json" },
          body: `{"query":${JSON.stringify(mutation)},"variables":${variables}}`,
        });
        const body = JSON.parse(answer.body);
        const result = body.data?.backgroundTasks?.triggerTask;
        assert.equal(result?.error?.code, "INVALID_ARGUMENT", answer.body);
        assert.equal(result.error.data.argument, path);
        assert.equal(result.data, null);
      }
      assert.equal((await api.stint.tasks.listTasks()).meta.totalCount, 0);
    });
  });
}
