/**
 * A mutation's written task must reach the client: if a field of it fails, only that
 * field may become null, never the envelope's `data` (the client would lose the id and a
 * retry would write a duplicate). A caller without `r` may read only `id` and
 * `taskStatus` of that task (read-guard.ts); every other field answers a field error, and
 * on a non-null field (`createdOn`, `createdBy`) that error would null `data` itself. So
 * such a selection is refused before the write, in the envelope, and nothing is written.
 */
import { getNamedType, isNonNullType, isObjectType, type GraphQLResolveInfo } from "graphql";
import { ErrorCode, StintError } from "../domain/errors.js";
import type { GraphQLContext } from "./context.js";
import { FIELDS_WITHOUT_READ } from "./read-guard.js";
import { selectedDataFields } from "./selection-fields.js";

/** Throws SECURITY_NOT_AUTHORIZED when the caller could not get the written task back. */
export function checkWriteSelection(context: Pick<GraphQLContext, "permissions">, info: GraphQLResolveInfo): void {
  if (context.permissions.has("r")) return;
  const envelope = getNamedType(info.returnType);
  const dataType = isObjectType(envelope) ? envelope.getFields().data?.type : undefined;
  const task = dataType ? getNamedType(dataType) : undefined;
  if (!isObjectType(task)) return;
  const fields = task.getFields();
  const blocked = selectedDataFields(info).filter(
    (name) => !FIELDS_WITHOUT_READ.has(name) && fields[name] !== undefined && isNonNullType(fields[name].type),
  );
  if (blocked.length > 0) {
    throw new StintError(
      `Not authorized! Without the "r" permission a mutation's task answers only id and taskStatus, and ${blocked.join(", ")} ` +
        `cannot be null: nothing was written. Ask for id and taskStatus only, or use a key with "r".`,
      ErrorCode.NotAuthorized,
      { fields: blocked },
    );
  }
}
