/**
 * Response headers that keep a browser from misusing what the server sends.
 *
 * Pages (the dashboard, GraphiQL at `/graphql`) get a Content-Security-Policy that allows only
 * same-origin scripts, styles and requests plus the page's own inline `<script>` and
 * `<style>` blocks by their SHA-256 hash (computed from the HTML as it is served, so a
 * rebuilt dashboard needs no configuration and `unsafe-inline` is never needed), and may
 * not be framed (clickjacking). Every answer says `nosniff`; API answers are never cached.
 */
import { createHash } from "node:crypto";

/** For everything the server sends. */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** For GraphQL and other JSON answers: they hold task data, so no cache may keep them. */
export const API_HEADERS: Readonly<Record<string, string>> = {
  ...BASE_HEADERS,
  "cache-control": "no-store",
};

const INLINE_SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
const INLINE_STYLE = /<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi;

function sha256(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/** The Content-Security-Policy for one HTML page, allowing its inline blocks by hash. */
export function contentSecurityPolicy(html: string): string {
  const scripts = new Set<string>();
  const styles = new Set<string>();
  for (const [, attributes, body] of html.matchAll(INLINE_SCRIPT)) {
    if (!/\bsrc\s*=/i.test(attributes) && body.trim() !== "") scripts.add(sha256(body));
  }
  for (const [, body] of html.matchAll(INLINE_STYLE)) {
    if (body.trim() !== "") styles.add(sha256(body));
  }
  return [
    "default-src 'self'",
    ["script-src 'self'", ...scripts].join(" "),
    ["style-src 'self'", ...styles].join(" "),
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** For HTML pages: the policy above, no framing, plus the base headers. */
export function pageHeaders(html: string): Record<string, string> {
  return {
    ...BASE_HEADERS,
    "content-security-policy": contentSecurityPolicy(html),
    "x-frame-options": "DENY",
  };
}

/** For other static files (scripts, styles, images): no framing, no sniffing. */
export const ASSET_HEADERS: Readonly<Record<string, string>> = {
  ...BASE_HEADERS,
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
};
