/**
 * Small node:http helpers shared by the server's routes: JSON answers, GraphQL-style
 * error bodies for requests refused before GraphQL runs, and a size-capped body reader.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { API_HEADERS } from "./security-headers.js";

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    ...API_HEADERS,
    ...headers,
  });
  res.end(text);
}

/** The body GraphQL clients understand for a request refused at the HTTP level. */
export function graphqlErrorBody(message: string, code: string, data?: Record<string, unknown>): unknown {
  return { errors: [{ message, extensions: { code, ...(data ? { data } : {}) } }] };
}

/** `Buffer<ArrayBuffer>` (what `Buffer.concat` makes) is a fetch `BodyInit`; a Buffer over any ArrayBufferLike is not. */
export type BodyResult = { ok: true; body: Buffer<ArrayBuffer> } | { ok: false; size: number };

/**
 * Reads the whole body, stopping as soon as it passes `maxBytes` (the rest is drained
 * and dropped so the client still reads the answer instead of a reset connection).
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.resume();
      resolve({ ok: false, size: declared });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (tooLarge) return;
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        resolve({ ok: false, size });
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!tooLarge) resolve({ ok: true, body: Buffer.concat(chunks, size) });
    });
    req.on("error", reject);
  });
}
