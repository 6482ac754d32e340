import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { BackendName } from "../../src/core/backend.js";
import { createLogger } from "../../src/mcp/logger.js";
import { createServer } from "../../src/mcp/server.js";
import { everyTool } from "../../src/mcp/tools/index.js";
import { makeAudio, makeVideo } from "../integration/media-fixtures.js";

/**
 * Each backend speaks for itself: everything a model reads from a server — the tool list,
 * the instructions, the prompt and its routing answer, the results — names only tools that
 * server lists.
 */

const ALL_TOOLS = everyTool().map((tool) => tool.name);
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vm-surface-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function connect(backend: BackendName) {
  const config = loadConfig({
    VIDEO_MAKER_BACKEND: backend,
    VIDEO_MAKER_HOME: join(root, `home-${backend}`),
    VIDEO_MAKER_OUTPUT_DIR: join(root, "out"),
    NEMO_API_BASE: "http://127.0.0.1:9",
  });
  const created = await createServer(config, { logger: createLogger({ stderr: false }) });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "surface-test", version: "1.0.0" });
  await created.server.connect(serverTransport);
  await client.connect(clientTransport);
  const listed = (await client.listTools()).tools.map((tool) => tool.name);
  const read: string[] = [client.getInstructions() ?? "", JSON.stringify((await client.listTools()).tools)];
  for (const request of [undefined, "export 1080p MP4", "余额", "how many credits", "show tracks", "combine these clips into a promo"]) {
    const prompt = await client.getPrompt({ name: "video-maker", arguments: request ? { request } : {} });
    read.push(JSON.stringify(prompt));
  }
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    read.push(JSON.stringify(result.content));
    return result;
  };
  return { client, listed, read, call, close: async () => (await client.close(), await created.cleanup()) };
}

/** Tool names that appear in the text but are not listed by this server. */
function unlistedNamesIn(texts: string[], listed: string[]): string[] {
  const text = texts.join("\n");
  return ALL_TOOLS.filter((name) => !listed.includes(name) && new RegExp(`\\b${name}\\b`).test(text));
}

describe("what a model reads names only listed tools", () => {
  it("local: no edit_video, get_credits or any other tool it does not list, in instructions, tools, prompt or results", async () => {
    const server = await connect("local");
    try {
      expect(server.listed).not.toContain("edit_video");
      const clip = await makeVideo(root, "clip.mp4", 2);
      const music = await makeAudio(root, "music.mp3", 2);
      const upload = await server.call("upload_media", { paths: [clip, music] });
      expect(upload.isError).toBeFalsy();
      expect(JSON.stringify(upload.content)).toMatch(/apply_edits/);
      await server.call("apply_edits", { ops: [{ op: "add_clip", media: "clip.mp4" }, { op: "add_audio", media: "music.mp3" }] });
      await server.call("apply_edits", { ops: [{ op: "nonsense" }] });
      await server.call("get_state");
      expect((await server.call("export_project", { format: "mlt" })).isError).toBeFalsy();
      await server.call("get_job", { job_id: "export_000000000000" });
      await server.call("cancel_job", { job_id: "export_000000000000" });
      // The one place a missing tool's name may appear is the answer to a call of it by name: a protocol error (-32602).
      await expect(server.client.callTool({ name: "get_credits", arguments: {} })).rejects.toMatchObject({ code: -32602 });
      expect(unlistedNamesIn(server.read, server.listed)).toEqual([]);
      const all = server.read.join("\n");
      expect(all).toMatch(/Routing says: \*\*credits\*\* \(matched \\"余额\\"\) → there are no credits here/);
      expect(all).toMatch(/Routing says: \*\*edit\*\* → call apply_edits/);
    } finally {
      await server.close();
    }
  }, 60_000);

  it("cloud: no apply_edits or preview_frame in instructions, tools or prompt", async () => {
    const server = await connect("nemo");
    try {
      expect(unlistedNamesIn(server.read, server.listed)).toEqual([]);
      expect(server.read.join("\n")).toMatch(/Routing says: \*\*credits\*\* → call get_credits/);
    } finally {
      await server.close();
    }
  });
});
