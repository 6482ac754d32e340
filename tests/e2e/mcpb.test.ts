import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { describe, expect, it } from "vitest";
import { buildManifest } from "../../scripts/mcpb-manifest.js";

const run = promisify(execFile);
const MCPB = resolve("node_modules/.bin/mcpb");

/** The MCP Bundle: its manifest validates, and the packed bundle starts as Claude Desktop would start it. */
describe("MCP Bundle (.mcpb)", () => {
  it("the generated manifest passes `mcpb validate`, with NEMO_TOKEN optional and sensitive", async () => {
    const pkg = JSON.parse(await readFile("package.json", "utf8"));
    const manifest = buildManifest(pkg);
    const dir = await mkdtemp(join(tmpdir(), "vm-mcpb-"));
    await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
    const { stdout } = await run(MCPB, ["validate", join(dir, "manifest.json")]);
    expect(stdout).toMatch(/valid/i);
    expect(manifest.user_config.nemo_token).toMatchObject({ sensitive: true, required: false });
    // Every tool a user can get, whichever backend user_config picks; the prompt carries the real guide.
    expect(manifest.tools.map((t) => t.name)).toEqual([
      "upload_media", "edit_video", "get_state", "get_credits", "export_video", "get_job", "cancel_job", "new_session", "inspect_media", "apply_edits", "preview_frame", "undo_edit", "render_preview", "export_project",
    ]);
    expect(manifest.prompts[0]!.text).toMatch(/## Routing: what the person says/);
    expect(manifest.prompts[0]!.text).toContain("${arguments.request}");
    await rm(dir, { recursive: true, force: true });
  });

  it("`npm run bundle` packs a bundle whose server answers tools/list with no node_modules beside it", async () => {
    await run("npm", ["run", "--silent", "bundle"], { timeout: 240_000 });
    const pkg = JSON.parse(await readFile("package.json", "utf8"));
    const file = resolve(`${pkg.name}-${pkg.version}.mcpb`);
    const dir = await mkdtemp(join(tmpdir(), "vm-mcpb-unpacked-"));
    await run(MCPB, ["unpack", file, dir]);
    const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8"));
    const args = (manifest.server.mcp_config.args as string[]).map((a) => a.replace("${__dirname}", dir));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args,
      env: { PATH: process.env.PATH ?? "", HOME: dir, VIDEO_MAKER_HOME: join(dir, "home"), NEMO_TOKEN: "", VIDEO_MAKER_BACKEND: "", VIDEO_MAKER_OUTPUT_DIR: "" },
    });
    const client = new Client({ name: "mcpb-test", version: "1.0.0" });
    await client.connect(transport);
    const { tools } = await client.listTools();
    // The default (cloud) backend lists its tools, each one the manifest names.
    const names = manifest.tools.map((t: { name: string }) => t.name);
    expect(tools.map((t) => t.name)).toEqual(names.filter((name: string) => !["apply_edits", "preview_frame", "undo_edit", "render_preview", "export_project"].includes(name)));
    expect(client.getServerVersion()?.version).toBe(pkg.version);
    await client.close();
    await rm(dir, { recursive: true, force: true });
  }, 300_000);
});
