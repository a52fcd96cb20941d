/**
 * Writes a sample orders CSV for the `importCsv` example (deterministic for a seed, so
 * tests know the totals to expect). Usage:
 *
 *   node --import tsx examples/csv-import/generate-csv.ts [file] [rows] [--if-missing]
 *
 * Defaults: `.stint/orders.csv`, 200000 rows (about 5 MB).
 */
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { addOrderLine, emptyTotals, ORDERS_HEADER, type OrderTotals } from "./orders.js";

const COUNTRIES = ["DE", "FR", "HR", "NL", "PL", "SE", "US", "JP"];

export async function generateOrdersCsv(file: string, rows: number, seed = 42): Promise<OrderTotals> {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  const out = createWriteStream(file);
  const totals = emptyTotals();
  let state = seed >>> 0;
  const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  out.write(`${ORDERS_HEADER}\n`);
  let batch = "";
  for (let i = 1; i <= rows; i++) {
    const country = COUNTRIES[Math.floor(random() * COUNTRIES.length)];
    const quantity = 1 + Math.floor(random() * 9);
    const price = `${1 + Math.floor(random() * 199)}.${String(Math.floor(random() * 100)).padStart(2, "0")}`;
    const line = `${i},${country},${quantity},${price}`;
    addOrderLine(totals, line);
    batch += `${line}\n`;
    if (batch.length > 64 * 1024) {
      const flushed = out.write(batch);
      batch = "";
      if (!flushed) await once(out, "drain");
    }
  }
  out.end(batch);
  await once(out, "finish");
  return totals;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const file = args[0] ?? ".stint/orders.csv";
  const rows = Number(args[1] ?? 200_000);
  if (process.argv.includes("--if-missing") && existsSync(file)) {
    process.exit(0);
  }
  const started = Date.now();
  const totals = await generateOrdersCsv(file, rows);
  console.log(`Wrote ${totals.rows} orders to ${file} in ${Date.now() - started} ms (revenue ${(totals.revenueCents / 100).toFixed(2)}).`);
}
