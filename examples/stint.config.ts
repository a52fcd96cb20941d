/**
 * The examples' config: what `npm start` (= `stint dev --config examples/stint.config.ts`)
 * runs. Try `npm run stint -- definitions --config examples/stint.config.ts`.
 */
import { defineConfig } from "../src/index.js";
import { importCsv } from "./csv-import/import-csv.js";
import { FileAuditLog } from "./checksums/audit-log.js";
import { createChecksumDirectory } from "./checksums/checksum-directory.js";
import { checksumTree } from "./checksums/checksum-tree.js";

export default defineConfig({
  database: "sqlite:./.stint/stint.db",
  definitions: [importCsv, checksumTree, createChecksumDirectory(new FileAuditLog(".stint/audit.log"))],
  worker: { concurrency: 4 },
  server: { port: 4000 },
});
