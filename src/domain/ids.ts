import { randomBytes } from "node:crypto";

/**
 * Task and log ids: 12 hex digits of milliseconds then 12 random hex digits, so ids sort
 * by creation time (cheap cursors, index locality) and never collide across processes.
 */
let lastMs = 0;
let counter = 0;
// Random bytes are drawn 4 KiB at a time: one crypto call per id was a visible cost in
// batch triggers and drains.
let pool = Buffer.alloc(0);
let poolOffset = 0;

function randomHex8(): string {
  if (poolOffset + 4 > pool.length) {
    pool = randomBytes(4096);
    poolOffset = 0;
  }
  const hex = pool.toString("hex", poolOffset, poolOffset + 4);
  poolOffset += 4;
  return hex;
}

export function newId(nowMs: number = Date.now()): string {
  // Same millisecond: count up inside the random part so ids stay ordered within one process.
  if (nowMs <= lastMs) {
    counter += 1;
    nowMs = lastMs;
  } else {
    lastMs = nowMs;
    counter = 0;
  }
  const time = nowMs.toString(16).padStart(12, "0");
  const seq = counter.toString(16).padStart(4, "0").slice(-4);
  return `${time}${seq}${randomHex8()}`;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidId(id: unknown): id is string {
  return typeof id === "string" && ID_PATTERN.test(id);
}
