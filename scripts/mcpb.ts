// npm run bundle: builds video-maker.mcpb, the one-click Claude Desktop install.
// The server is bundled whole (no node_modules needed) into build/mcpb/server/, beside a
// manifest generated from package.json and the MCP tool definitions, then packed by mcpb.
import { execFileSync } from "node:child_process";
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";
import { binBuildOptions } from "./esbuild-options.mjs";
import { buildStudioHtml } from "./studio-html.mjs";
import { buildManifest } from "./mcpb-manifest.js";

const stage = join("build", "mcpb");
await rm(stage, { recursive: true, force: true });
await mkdir(stage, { recursive: true });

// Everything bundled, undici included: the .mcpb ships no node_modules.
await build(binBuildOptions(join(stage, "server"), [], await buildStudioHtml()));

const pkg = JSON.parse(await readFile("package.json", "utf8")) as { name: string; version: string; description: string; license: string };
// The server finds its skill versions through the nearest package.json named video-maker.
await writeFile(join(stage, "package.json"), `${JSON.stringify({ name: pkg.name, version: pkg.version, type: "module", private: true }, null, 2)}\n`);
await cp("SKILL.md", join(stage, "SKILL.md"));
await cp("skill", join(stage, "skill"), { recursive: true });
await cp("README.md", join(stage, "README.md"));
await writeFile(join(stage, "manifest.json"), `${JSON.stringify(buildManifest(pkg), null, 2)}\n`);

const mcpb = join("node_modules", ".bin", "mcpb");
execFileSync(mcpb, ["validate", join(stage, "manifest.json")], { stdio: "inherit" });
execFileSync(mcpb, ["pack", stage, `${pkg.name}-${pkg.version}.mcpb`], { stdio: "inherit" });
