/**
 * GraphiQL at `/graphql` (a browser's GET with `Accept: text/html`).
 *
 * graphql-yoga's own GraphiQL loads its scripts and styles from a CDN, so it is a blank
 * page on a machine without internet. Stint ships GraphiQL instead: the `graphiql`
 * package bundled by Vite (dashboard/graphiql.vite.config.ts) into `dist/graphiql/`,
 * whose `index.html` is sent here and whose files the server answers at
 * `/graphiql/…` (GRAPHIQL_ASSETS_PREFIX), whatever folder the dashboard is served
 * from. Everything is same-origin, so the dashboard's Content-Security-Policy holds.
 *
 * Without a build (a checkout where `npm run build:dashboard` has not run), the page
 * says so instead of failing.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Where the page's scripts and styles are served; `dist/graphiql/graphiql/` holds them. */
export const GRAPHIQL_ASSETS_PREFIX = "/graphiql/";

/**
 * The build folder: `dist/graphiql/` beside the compiled `dist/graphql/`, or the
 * repository's when running from `src/`. Undefined when neither has been built.
 */
export function graphiqlBuildDir(): string | undefined {
  return ["../graphiql/", "../../dist/graphiql/"]
    .map((candidate) => fileURLToPath(new URL(candidate, import.meta.url)))
    .find((dir) => existsSync(`${dir}index.html`));
}

let cached: { dir: string; html: string } | undefined;

export function renderGraphiQLPage(options: { title: string }): string {
  const dir = graphiqlBuildDir();
  if (!dir) return missingBuildPage(options.title);
  // Read once: a build changes only with a new release (or a rebuild in development,
  // which a restart picks up).
  if (cached?.dir !== dir) cached = { dir, html: readFileSync(`${dir}index.html`, "utf8") };
  return cached.html;
}

function missingBuildPage(title: string): string {
  const safe = title.replace(/[<>&"]/g, "");
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${safe}</title></head>
<body>
<h1>${safe}</h1>
<p>GraphiQL has not been built: run <code>npm run build:dashboard</code>. The API answers POST requests at this address.</p>
</body>
</html>
`;
}
