/**
 * Reads charged to a byte budget (`TaskReadOptions.budget`). pg holds a statement's whole
 * result in memory before handing it over, so a read of possibly large rows runs through
 * a cursor and stops at the chunk where the budget runs out instead of loading every row
 * first. One transaction, so the rows are one snapshot as before.
 */
import type { Db } from "./connection.js";

/** Rows of the first FETCH: a chunk of 1 MiB inputs stays around 16 MiB. */
export const FETCH_ROWS = 16;
/** Later FETCHes take as many rows as the average so far puts at about this many bytes. */
const CHUNK_BYTES = 4 * 1024 * 1024;
const MAX_FETCH_ROWS = 1000;

/**
 * Runs `sql`, calling `each` on every row as it arrives: it charges the budget (and may
 * throw to stop the read) and says how many bytes the row was, which sizes the next FETCH
 * (small rows: few round trips; large rows: small chunks).
 */
export function readCharged<R>(db: Db, sql: string, values: readonly unknown[], each: (row: R, index: number) => number): Promise<R[]> {
  return db.transaction(async (tx) => {
    await tx.query(`DECLARE stint_read NO SCROLL CURSOR FOR ${sql}`, values);
    const rows: R[] = [];
    let bytes = 0;
    let fetch = FETCH_ROWS;
    for (;;) {
      const chunk = await tx.query<R>(`FETCH ${fetch} FROM stint_read`);
      for (const row of chunk) {
        bytes += each(row, rows.length);
        rows.push(row);
      }
      if (chunk.length < fetch) return rows;
      fetch = Math.max(FETCH_ROWS, Math.min(MAX_FETCH_ROWS, Math.floor(CHUNK_BYTES / Math.max(1, bytes / rows.length))));
    }
  });
}
