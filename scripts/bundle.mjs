// Bundles the `video-maker` bin (dist/cli.js) after tsc has type-checked and emitted the
// modules. One file (plus lazily loaded chunks for the HTTP transport and the backends)
// starts faster than hundreds of separate modules: MCP hosts wait on startup.
// undici stays external: it is imported on the first network request only.
import { build } from "esbuild";

await build({
  entryPoints: { cli: "src/cli.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunks/[name]-[hash]",
  external: ["undici"],
  sourcemap: "linked",
  // CommonJS dependencies (ajv, via the MCP SDK) call require(); ESM output needs one.
  banner: { js: "import { createRequire as __vmCreateRequire } from 'node:module'; const require = __vmCreateRequire(import.meta.url);" },
  logLevel: "warning",
});
