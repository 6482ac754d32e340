// Builds the studio View (src/studio/) into ONE self-contained HTML page: the TypeScript
// bundled by esbuild and the stylesheet inlined, nothing fetched from a CDN. MCP hosts load
// it into a sandboxed iframe whose default CSP allows inline scripts and styles only.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

/** @returns {Promise<string>} */
export async function buildStudioHtml() {
  const result = await build({
    entryPoints: ["src/studio/main.ts"],
    absWorkingDir: root,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    minify: true,
    write: false,
    legalComments: "none",
    logLevel: "warning",
  });
  const script = result.outputFiles[0].text.replace(/<\/script/gi, "<\\/script");
  const style = await readFile(new URL("../src/studio/studio.css", import.meta.url), "utf8");
  const page = await readFile(new URL("../src/studio/studio.html", import.meta.url), "utf8");
  // Functions as replacements: a `$` in the bundle must not be read as a pattern.
  return page.replace("/* STYLE */", () => style).replace("<!-- SCRIPT -->", () => `<script>${script}</script>`);
}
