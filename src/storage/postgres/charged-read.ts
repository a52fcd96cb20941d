/**
 * Reads charged to a byte budget (`TaskReadOptions.budget`). pg holds a statement's whole
 * result in memory before handing it over, so a read of large rows runs through a cursor,
 * FETCH_ROWS at a time, and stops at the chunk where the budget runs out instead of
 * loading every row first. One transaction, so the rows are one snapshot as before.
 */
import type { Db } from "./db.js";

/** Rows per FETCH: a chunk of 1 MiB inputs stays around 16 MiB. */
export const FETCH_ROWS = 16;

/** Runs `sql`, calling `each` on every row as it arrives (it charges, and may throw to stop). */
export function readCharged<R>(db: Db, sql: string, values: readonly unknown[], each: (row: R, index: number) => R): Promise<R[]> {
  return db.transaction(async (tx) => {
    await tx.query(`DECLARE stint_read NO SCROLL CURSOR FOR ${sql}`, values);
    const rows: R[] = [];
    for (;;) {
      const chunk = await tx.query<R>(`FETCH ${FETCH_ROWS} FROM stint_read`);
      for (const row of chunk) rows.push(each(row, rows.length));
      if (chunk.length < FETCH_ROWS) return rows;
    }
  });
}
