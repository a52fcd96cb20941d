/**
 * The sample data of the CSV import: orders as `order_id,country,quantity,unit_price`.
 * Parsing one line and the running totals live here so the task and the generator
 * agree on them.
 */
export const ORDERS_HEADER = "order_id,country,quantity,unit_price";

export interface OrderTotals {
  /** Data rows read (the header excluded). */
  rows: number;
  /** Rows that could not be parsed; counted, not fatal. */
  badRows: number;
  /** Sum of quantity × unit_price, in cents (integers: no float drift over millions of rows). */
  revenueCents: number;
  /** Revenue in cents and order count per country code. */
  byCountry: Record<string, { orders: number; revenueCents: number }>;
}

export function emptyTotals(): OrderTotals {
  return { rows: 0, badRows: 0, revenueCents: 0, byCountry: {} };
}

/** Adds one CSV line to `totals` (in place). */
export function addOrderLine(totals: OrderTotals, line: string): void {
  if (line.trim() === "") return;
  totals.rows++;
  const [id, country, quantityText, priceText] = line.split(",");
  const quantity = Number(quantityText);
  const priceCents = parseCents(priceText);
  if (!id || !country || !Number.isInteger(quantity) || quantity < 0 || priceCents === null) {
    totals.badRows++;
    return;
  }
  const cents = quantity * priceCents;
  totals.revenueCents += cents;
  const entry = (totals.byCountry[country] ??= { orders: 0, revenueCents: 0 });
  entry.orders++;
  entry.revenueCents += cents;
}

/** "12.5" → 1250; null when it is not a money amount. */
export function parseCents(text: string | undefined): number | null {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec((text ?? "").trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? "0").padEnd(2, "0"));
}
