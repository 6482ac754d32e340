// Bundles the `video-maker` bin (dist/cli.js) after tsc has type-checked and emitted the
// modules. One file (plus lazily loaded chunks for the HTTP transport and the backends)
// starts faster than hundreds of separate modules: MCP hosts wait on startup.
// undici stays external: it is imported on the first network request only.
import { build } from "esbuild";
import { binBuildOptions } from "./esbuild-options.mjs";
import { buildStudioHtml } from "./studio-html.mjs";

await build(binBuildOptions("dist", ["undici"], await buildStudioHtml()));
