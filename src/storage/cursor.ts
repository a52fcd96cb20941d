/**
 * Keyset cursors shared by every adapter: base64url JSON of the last row's sort values
 * (dates as epoch ms; the last value is the id). Decoding checks each value against its
 * column, so a forged or stale cursor is a clear INVALID_ARGUMENT, never a bad query.
 */
import { Errors } from "../domain/errors.js";
import { valueKind, type FieldKind } from "./port/list-fields.js";

export interface CursorColumn {
  kind: FieldKind;
  nullable: boolean;
}

export function encodeCursor(values: readonly unknown[]): string {
  const plain = values.map((value) => (value instanceof Date ? value.getTime() : (value ?? null)));
  return Buffer.from(JSON.stringify(plain), "utf8").toString("base64url");
}

/** The cursor's values in column order; dates come back as epoch ms. */
export function decodeCursor(cursor: string, columns: readonly CursorColumn[]): unknown[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw Errors.invalidArgument("after", "malformed cursor");
  }
  const fits =
    Array.isArray(values) &&
    values.length === columns.length &&
    values.every((value, i) => {
      const { kind, nullable } = columns[i];
      if (value === null) return nullable;
      return valueKind(kind) === "text" ? typeof value === "string" : typeof value === "number" && Number.isFinite(value);
    });
  if (!fits) throw Errors.invalidArgument("after", "malformed cursor");
  return values as unknown[];
}
