/**
 * The fields a GraphQL operation selects, so a resolver asks the store for those alone
 * (`fields` of the storage read options): a `listTasks { data { id } }` then never loads
 * the tasks' inputs. Fragments (named and inline) and aliases are followed; `@skip` and
 * `@include` are not evaluated, so a field they may drop still counts as selected (reading
 * a field too many is harmless, one too few is not).
 */
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";

type Info = Pick<GraphQLResolveInfo, "fieldNodes" | "fragments">;

/** Every field name selected directly in `sets`, through fragments. */
function namesIn(sets: readonly SelectionSetNode[], info: Info): Set<string> {
  const names = new Set<string>();
  eachField(sets, info, (name) => names.add(name));
  return names;
}

/** The selection sets of the fields called `name` directly in `sets` (all aliases). */
function setsOf(sets: readonly SelectionSetNode[], name: string, info: Info): SelectionSetNode[] {
  const found: SelectionSetNode[] = [];
  eachField(sets, info, (fieldName, set) => {
    if (fieldName === name && set) found.push(set);
  });
  return found;
}

function eachField(
  sets: readonly SelectionSetNode[],
  info: Info,
  visit: (name: string, selectionSet: SelectionSetNode | undefined) => void,
  seenFragments: Set<string> = new Set(),
): void {
  for (const set of sets) {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        visit(selection.name.value, selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        eachField([selection.selectionSet], info, visit, seenFragments);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = info.fragments[name];
        // A fragment spread twice adds nothing new (and validation forbids cycles).
        if (!fragment || seenFragments.has(name)) continue;
        seenFragments.add(name);
        eachField([fragment.selectionSet], info, visit, seenFragments);
      }
    }
  }
}

function ownSets(info: Info): SelectionSetNode[] {
  return info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
}

/** The fields selected on the value this resolver returns (e.g. a log's `task { … }`). */
export function selectedFields(info: Info): string[] {
  return [...namesIn(ownSets(info), info)];
}

/** The fields selected under the envelope's `data` (`getTask { data { … } }`, lists). */
export function selectedDataFields(info: Info): string[] {
  return [...namesIn(setsOf(ownSets(info), "data", info), info)];
}
