/**
 * Serves a folder at `/` (for a dashboard build): GET/HEAD only, `index.html` for
 * directories, no directory listings.
 *
 * Whatever else lies in the folder stays private: no path with a segment starting with
 * `.` is served (`.env`, `.stint/stint.db`, `.git/`), and a file is served only when its
 * real path, symlinks resolved, is inside the folder's real path (a link to `/etc/passwd`
 * placed in the folder is not followed). HTML is sent with a Content-Security-Policy
 * computed from its inline blocks.
 */
import { open, realpath, type FileHandle } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ASSET_HEADERS, pageHeaders } from "./security-headers.js";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

/** HTML pages are read whole to hash their inline blocks; a dashboard page is a few KB. */
const MAX_HTML_BYTES = 1024 * 1024;

/** Answers from `root` and returns true, or returns false when no file may be served. */
export async function serveStatic(root: string, pathname: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  if (decoded.includes("\0") || hasHiddenSegment(decoded)) return false;
  let base: string;
  try {
    base = await realpath(resolve(root));
  } catch {
    return false;
  }
  const requested = resolve(join(base, decoded));
  if (!isInside(base, requested)) return false;

  const opened = await openServable(base, requested);
  if (!opened) return false;
  const { file, handle, size } = opened;
  const contentType = CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
  try {
    if (contentType.startsWith("text/html") && size <= MAX_HTML_BYTES) {
      const html = await handle.readFile({ encoding: "utf8" });
      res.writeHead(200, { ...pageHeaders(html), "content-type": contentType, "content-length": String(Buffer.byteLength(html)) });
      res.end(req.method === "HEAD" ? undefined : html);
      await handle.close();
      return true;
    }
    res.writeHead(200, { ...ASSET_HEADERS, "content-type": contentType, "content-length": String(size) });
    if (req.method === "HEAD") {
      res.end();
      await handle.close();
    } else {
      // The stream owns the descriptor from here and closes it when done.
      handle.createReadStream({ autoClose: true }).pipe(res);
    }
    return true;
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
}

/** True when any segment of the URL path starts with a dot (`.env`, `.git/config`, `..`). */
function hasHiddenSegment(path: string): boolean {
  return path.split(/[\\/]/).some((segment) => segment.startsWith("."));
}

function isInside(base: string, path: string): boolean {
  return path === base || path.startsWith(base.endsWith(sep) ? base : base + sep);
}

/**
 * Opens the file (or a directory's `index.html`) when its real path is a regular file
 * inside `base`, the size taken from the opened descriptor.
 */
async function openServable(base: string, requested: string): Promise<{ file: string; handle: FileHandle; size: number } | undefined> {
  for (const candidate of [requested, join(requested, "index.html")]) {
    let real: string;
    try {
      real = await realpath(candidate);
    } catch {
      return undefined;
    }
    if (!isInside(base, real) || hasHiddenSegment(real.slice(base.length))) return undefined;
    let handle: FileHandle;
    try {
      handle = await open(real, "r");
    } catch {
      return undefined;
    }
    const info = await handle.stat().catch(() => undefined);
    if (info?.isFile()) return { file: real, handle, size: info.size };
    await handle.close();
    if (!info?.isDirectory()) return undefined;
  }
  return undefined;
}
