/**
 * Builds the dashboard into `dist/dashboard/` (beside the compiled library, so it ships
 * with the package and `startServer` finds it). Preact's JSX is compiled by Vite's own
 * transformer: no Babel, no plugin.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "./",
  publicDir: "public",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: fileURLToPath(new URL("../dist/dashboard", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: { proxy: { "/graphql": process.env.STINT_API_ORIGIN ?? "http://127.0.0.1:4000" } },
});
