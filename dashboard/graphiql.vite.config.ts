/**
 * Builds the GraphiQL page into `dist/graphiql/`: `index.html` (which the server sends
 * for a browser's GET of `/graphql`) and its files in `dist/graphiql/graphiql/`, so the
 * page's relative `./graphiql/…` URLs resolve to `/graphiql/…`, a path the server
 * answers from this folder whatever `staticDir` is. A build of its own, not a second
 * entry of the dashboard's: it carries React, which the dashboard (Preact) must not load.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL("./graphiql", import.meta.url));

export default defineConfig({
  root,
  base: "./",
  publicDir: false,
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  build: {
    outDir: fileURLToPath(new URL("../dist/graphiql", import.meta.url)),
    assetsDir: "graphiql",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
    // One page, loaded once: the size of its bundle is expected.
    chunkSizeWarningLimit: 4096,
  },
});
