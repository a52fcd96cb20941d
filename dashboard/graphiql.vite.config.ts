/**
 * Builds the GraphiQL page into `dist/graphiql/`: `index.html` (which the server sends
 * for a browser's GET of `/graphql`) and its files in `dist/graphiql/graphiql/`, so the
 * page's relative `./graphiql/…` URLs resolve to `/graphiql/…`, a path the server
 * answers from this folder whatever `staticDir` is. A build of its own, not a second
 * entry of the dashboard's: it carries React, which the dashboard (Preact) must not load.
 */
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const root = fileURLToPath(new URL("./graphiql", import.meta.url));

/**
 * GraphiQL's stylesheet embeds its Roboto and Fira Code fonts as data: URLs, 360 KB of its
 * 420 KB. They are dropped (page.css points its font variables at the system's fonts):
 * a third of the package's added size saved, and the page CSP needs no `font-src data:`.
 */
function dropEmbeddedFonts(): Plugin {
  return {
    name: "stint-drop-graphiql-fonts",
    enforce: "pre",
    transform(code, id) {
      if (!/[\\/]graphiql[\\/]dist[\\/]style\.css$/.test(id.split("?")[0])) return null;
      return { code: code.replace(/@font-face\s*\{[^}]*\}/g, ""), map: null };
    },
  };
}

export default defineConfig({
  root,
  plugins: [dropEmbeddedFonts()],
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
