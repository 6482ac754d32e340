// The one esbuild configuration for the `video-maker` bin, shared by the npm package
// build (scripts/bundle.mjs) and the MCP Bundle (scripts/mcpb.ts).

/**
 * @param {string} outdir @param {string[]} external
 * @param {string} studioHtml the studio View (scripts/studio-html.mjs), built into the bin so no file can go missing
 */
export function binBuildOptions(outdir, external = [], studioHtml) {
  return {
    define: { __VIDEO_MAKER_STUDIO_HTML__: JSON.stringify(studioHtml) },
    entryPoints: { cli: "src/cli.ts" },
    outdir,
    bundle: true,
    // The HTTP transport and each backend become chunks loaded on first use.
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    chunkNames: "chunks/[name]-[hash]",
    external,
    sourcemap: "linked",
    // CommonJS dependencies (ajv, via the MCP SDK) call require(); ESM output needs one.
    banner: { js: "import { createRequire as __vmCreateRequire } from 'node:module'; const require = __vmCreateRequire(import.meta.url);" },
    logLevel: "warning",
  };
}
