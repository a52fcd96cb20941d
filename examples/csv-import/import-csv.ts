/**
 * `importCsv`: reads a large orders CSV in chunks by byte offset and sums revenue per
 * country. Each iteration reads until `isCloseToTimeout()` says stop (or `rowsPerIteration`
 * rows are done), then checkpoints `{ offset, totals }` with `continue`: a crash or a
 * restart resumes at the saved offset, never re-reading finished chunks.
 */
import { open } from "node:fs/promises";
import { TaskDefinition } from "../../src/index.js";
import { addOrderLine, emptyTotals, ORDERS_HEADER, type OrderTotals } from "./orders.js";

export interface ImportCsvInput {
  /** Path of the CSV, relative to the worker's working directory. */
  file: string;
  /** Bytes read per chunk. Default 256 KiB. */
  chunkBytes?: number;
  /** Rows after which an iteration checkpoints even with time left. Default 50000. */
  rowsPerIteration?: number;
  /** Checkpoint: the byte offset of the next unread line. */
  offset?: number;
  /** Checkpoint: totals so far. */
  totals?: OrderTotals;
}

export interface ImportCsvOutput extends OrderTotals {
  file: string;
  bytes: number;
  /** Revenue formatted for people, e.g. "1234.50". */
  revenue: string;
}

class ImportCsv implements TaskDefinition.Interface<ImportCsvInput, ImportCsvOutput> {
  id = "importCsv";
  title = "Import orders CSV";
  description = "Reads an orders CSV in chunks by byte offset, checkpointing as it goes; sums revenue per country.";
  maxIterations = 500;

  createInputValidation({ validator: z }: { validator: typeof import("zod").z }) {
    return z.object({
      file: z.string().min(1).meta({ examples: [".stint/orders.csv"] }),
      chunkBytes: z.number().int().min(1024).max(64 * 1024 * 1024).optional(),
      rowsPerIteration: z.number().int().min(1).optional(),
      offset: z.number().int().min(0).optional(),
    });
  }

  async run({ input, controller }: TaskDefinition.RunParams<ImportCsvInput, ImportCsvOutput>) {
    const chunkBytes = input.chunkBytes ?? 256 * 1024;
    const rowsPerIteration = input.rowsPerIteration ?? 50_000;
    const totals: OrderTotals = input.totals ?? emptyTotals();
    let offset = input.offset ?? 0;

    const handle = await open(input.file, "r").catch((error: NodeJS.ErrnoException) => {
      throw new Error(`Cannot open ${input.file}: ${error.code ?? error.message}`);
    });
    try {
      const { size } = await handle.stat();
      const rowsAtStart = totals.rows;
      const buffer = Buffer.alloc(chunkBytes);
      while (offset < size) {
        if (controller.runtime.isAborted()) return controller.response.aborted();
        const { bytesRead } = await handle.read(buffer, 0, chunkBytes, offset);
        const atEnd = offset + bytesRead >= size;
        const chunk = buffer.subarray(0, bytesRead);
        // Only whole lines are consumed; a line cut by the chunk is read again next time.
        const end = atEnd ? bytesRead : chunk.lastIndexOf(0x0a) + 1;
        if (end === 0) throw new Error(`A line at byte ${offset} is longer than chunkBytes (${chunkBytes})`);
        const lines = chunk.subarray(0, end).toString("utf8").split("\n");
        if (offset === 0 && lines[0]?.trim() === ORDERS_HEADER) lines.shift();
        for (const line of lines) addOrderLine(totals, line.replace(/\r$/, ""));
        offset += end;
        controller.progress.set({ done: offset, total: size, message: `${totals.rows} rows` });
        // Checked after a chunk, never before: every iteration moves the offset forward.
        if (offset < size && (controller.runtime.isCloseToTimeout() || totals.rows - rowsAtStart >= rowsPerIteration)) {
          controller.logger.info({ message: `Checkpoint at byte ${offset}`, data: { offset, rows: totals.rows } });
          return controller.response.continue({ offset, totals });
        }
      }
      controller.logger.info({ message: `Imported ${totals.rows} rows (${totals.badRows} bad)` });
      return controller.response.done({
        ...totals,
        file: input.file,
        bytes: size,
        revenue: (totals.revenueCents / 100).toFixed(2),
      });
    } finally {
      await handle.close();
    }
  }
}

export const importCsv = TaskDefinition.createImplementation({ implementation: ImportCsv });
