/**
 * `/healthz`: 200 `{ ok: true, store: "up" }` when the store answers a ping within the
 * timeout, else 503 `{ ok: false, store: "down", error }`. Unauthenticated on purpose
 * (load balancers probe it) and it reveals nothing but reachability.
 */
import type { ServerResponse } from "node:http";
import { redactUrl } from "../domain/errors.js";
import { sendJson } from "./http-util.js";

const PING_TIMEOUT_MS = 5_000;

export async function answerHealth(res: ServerResponse, ping: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
      }),
    ]);
    sendJson(res, 200, { ok: true, store: "up" });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    sendJson(res, 503, { ok: false, store: "down", error: redactUrl(message) });
  } finally {
    clearTimeout(timer);
  }
}
