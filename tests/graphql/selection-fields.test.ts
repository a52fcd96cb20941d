/**
 * Selection → fields: what a resolver asks the store for, from the operation's own nodes.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Kind, parse, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode } from "graphql";
import { selectedDataFields, selectedFields } from "../../src/graphql/selection-fields.js";

/** The info a resolver of the field at `path` (response keys) would get. */
function infoAt(document: string, path: string[]) {
  const doc = parse(document);
  const fragments = Object.fromEntries(
    doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const operation = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  let nodes: FieldNode[] = [];
  let sets = [operation.selectionSet];
  for (const key of path) {
    nodes = sets.flatMap((set) => set.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD && (s.alias ?? s.name).value === key));
    sets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  }
  return { fieldNodes: nodes, fragments };
}

describe("selection fields", () => {
  it("reads the fields under data, through aliases and every kind of fragment", () => {
    const info = infoAt(
      `query {
        backgroundTasks { listTasks { ...Envelope d2: data { ... on WebinyBackgroundTask { progress } } meta { totalCount } } } }
      fragment Envelope on WebinyBackgroundTaskListResponse { data { id ...Outer } }
      fragment Outer on WebinyBackgroundTask { name ...Inner }
      fragment Inner on WebinyBackgroundTask { x: input ...Outer }`,
      ["backgroundTasks", "listTasks"],
    );
    assert.deepEqual(selectedDataFields(info).sort(), ["id", "input", "name", "progress"]);
  });

  it("reads nothing heavy when only meta is selected", () => {
    const info = infoAt(`{ backgroundTasks { listTasks { meta { totalCount } } } }`, ["backgroundTasks", "listTasks"]);
    assert.deepEqual(selectedDataFields(info), []);
  });

  it("reads a field's own selection (a log's task), from every node of the field", () => {
    const info = infoAt(`{ backgroundTasks { listLogs { data { task { id } task { output } } } } }`, ["backgroundTasks", "listLogs", "data", "task"]);
    assert.deepEqual(selectedFields(info).sort(), ["id", "output"]);
  });

  it("counts a field under @skip or @include as selected", () => {
    const info = infoAt(`query($s: Boolean!) { backgroundTasks { getTask(id: "x") { data { id input @skip(if: $s) } } } }`, ["backgroundTasks", "getTask"]);
    assert.deepEqual(selectedDataFields(info).sort(), ["id", "input"]);
  });
});
