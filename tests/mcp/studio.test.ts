import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/server";
import { type CallToolResult, ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/mcp/logger.js";
import { type CreatedServer, createServer } from "../../src/mcp/server.js";
import { APP_MIME_TYPE } from "../../src/mcp/studio.js";
import { MAX_PLAYER_BYTES } from "../../src/mcp/video-resources.js";
import { makeStudioMedia, STUDIO_OPS } from "../support/studio-project.js";
import { textOf } from "./harness.js";

const run = promisify(execFile);

/** The studio's server side on the local backend: the preview rendition, the video resources, the timeline's notifications. */

let root: string;
let created: CreatedServer;
let client: Client;
const updated: string[] = [];

async function connect(backend: "local" | "nemo") {
  const config = loadConfig({
    VIDEO_MAKER_BACKEND: backend,
    VIDEO_MAKER_HOME: join(root, `home-${backend}`),
    VIDEO_MAKER_OUTPUT_DIR: join(root, "out"),
    NEMO_API_BASE: "http://127.0.0.1:9",
  });
  const server = await createServer(config, { logger: createLogger({ stderr: false }), resumeJobs: false });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const c = new Client({ name: "studio-host", version: "1.0.0" });
  await server.server.connect(serverTransport);
  await c.connect(clientTransport);
  return { server, client: c };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vm-studio-mcp-"));
  ({ server: created, client } = await connect("local"));
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updated.push(n.params.uri));
});
afterAll(async () => {
  await client.close();
  await created.cleanup();
  await rm(root, { recursive: true, force: true });
});

const call = async (name: string, args: Record<string, unknown> = {}) => (await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 })) as CallToolResult;
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe("the studio View's server side (local backend)", () => {
  it("serves the View as one MCP Apps page with the MIME type ext-apps hosts look for", async () => {
    expect(APP_MIME_TYPE).toBe(RESOURCE_MIME_TYPE);
    const { contents } = await client.readResource({ uri: "ui://video-maker/studio" });
    expect(contents[0]).toMatchObject({ mimeType: RESOURCE_MIME_TYPE, _meta: { ui: { csp: { connectDomains: [], resourceDomains: [] } } } });
    expect("text" in contents[0]! && contents[0].text).toMatch(/^<!doctype html>[\s\S]*<script>[\s\S]+<\/script>/);
  }, 60_000);

  it("refuses a preview of an empty timeline in words", async () => {
    const empty = await call("render_preview");
    expect(empty.isError).toBe(true);
    expect(textOf(empty)).toMatch(/timeline is empty/);
  });

  it("tells subscribers of the timeline resources about each edit and undo, and stops on unsubscribe", async () => {
    await expect(client.subscribeResource({ uri: "video-maker://exports/x" })).rejects.toMatchObject({ code: -32002, message: expect.stringMatching(/Only the timeline resources/) });
    await client.subscribeResource({ uri: "video-maker://studio/timeline" });
    await client.subscribeResource({ uri: "video-maker://timeline" });
    const clips = await makeStudioMedia(root);
    await call("upload_media", { paths: clips });
    await settle();
    expect(updated.sort()).toEqual(["video-maker://studio/timeline", "video-maker://timeline"]);

    updated.length = 0;
    const edit = await call("apply_edits", { ops: STUDIO_OPS });
    expect(edit.isError, textOf(edit)).toBeFalsy();
    await settle();
    expect(updated).toContain("video-maker://studio/timeline");

    // A refused batch changes nothing and tells no one.
    updated.length = 0;
    expect((await call("apply_edits", { ops: [{ op: "add_clip", media: "nope.mp4" }] })).isError).toBe(true);
    await call("get_state");
    await settle();
    expect(updated).toEqual([]);

    await call("apply_edits", { ops: [{ op: "add_text", text: "Sale", at: 2.5, duration: 1 }] });
    updated.length = 0;
    await call("undo_edit");
    await settle();
    expect(updated).toContain("video-maker://studio/timeline");

    await client.unsubscribeResource({ uri: "video-maker://studio/timeline" });
    await client.unsubscribeResource({ uri: "video-maker://timeline" });
    updated.length = 0;
    await call("apply_edits", { ops: [{ op: "add_text", text: "Sale", at: 2.5, duration: 1 }] });
    await call("undo_edit");
    await settle();
    expect(updated).toEqual([]);
  }, 60_000);

  it("draws the timeline as tracks and says what the View may offer here", async () => {
    const body = JSON.parse(String(((await client.readResource({ uri: "video-maker://studio/timeline" })).contents[0] as { text: string }).text));
    expect(body).toMatchObject({ backend: "local", duration_s: 4, can: { frames: true, undo: true, preview_video: true, thumbnails: true } });
    expect(body.tracks.map((t: { kind: string }) => t.kind)).toEqual(["video", "music", "titles"]);
    expect(body.tracks[0].segments).toMatchObject([
      { label: "beach.mp4", start_s: 0, end_s: 2 },
      { label: "city.mp4", start_s: 2, end_s: 4 },
    ]);
  });

  it("renders a small fast preview of the whole timeline, reuses it while nothing changed, and serves it as a blob", async () => {
    const first = await call("render_preview");
    expect(first.isError, textOf(first)).toBeFalsy();
    const out = first.structuredContent as { video_uri: string; file: string; duration_s: number; width: number; height: number; reused: boolean; bytes: number };
    expect(out).toMatchObject({ duration_s: 4, width: 640, height: 360, reused: false });
    expect(first.content.some((b) => b.type === "resource_link" && b.uri === out.video_uri)).toBe(true);
    const probe = JSON.parse((await run("ffprobe", ["-v", "error", "-show_entries", "format=duration:stream=codec_name", "-of", "json", out.file])).stdout);
    expect(Number(probe.format.duration)).toBeCloseTo(4, 0);
    expect(probe.streams.map((s: { codec_name: string }) => s.codec_name).sort()).toEqual(["aac", "h264"]);

    const again = (await call("render_preview")).structuredContent as typeof out;
    expect(again).toMatchObject({ reused: true, file: out.file, bytes: out.bytes });

    const blob = (await client.readResource({ uri: out.video_uri })).contents[0] as { blob: string; mimeType: string };
    expect(blob.mimeType).toBe("video/mp4");
    expect(Buffer.from(blob.blob, "base64").equals(await readFile(out.file))).toBe(true);

    // An edit makes the next preview new.
    await call("apply_edits", { ops: [{ op: "add_text", text: "Sale", at: 2.5, duration: 1 }] });
    expect(((await call("render_preview")).structuredContent as typeof out).reused).toBe(false);
    await call("undo_edit");
  }, 120_000);

  it("refuses, in words, a video too big for the host's player and anything it did not make", async () => {
    const { video_uri, file } = (await call("render_preview")).structuredContent as { video_uri: string; file: string };
    await writeFile(file, Buffer.alloc(MAX_PLAYER_BYTES + 1));
    await expect(client.readResource({ uri: video_uri })).rejects.toThrow(/is 16 MB, more than the 16 MB a player in the host can receive/);
    await expect(client.readResource({ uri: "video-maker://preview/..%2F..%2Fetc" })).rejects.toThrow(/no preview of this project yet/);
    await expect(client.readResource({ uri: "video-maker://exports/export_0123456789ab" })).rejects.toThrow(/no export with the id/);
    // A job file that cannot be read is said as such, never as an export that does not exist.
    const jobsDir = join(root, "home-local", "jobs");
    await mkdir(jobsDir, { recursive: true });
    await writeFile(join(jobsDir, "export_00000000000f.json"), '{"id": "export_0000');
    await expect(client.readResource({ uri: "video-maker://exports/export_00000000000f" })).rejects.toThrow(/The record of job export_00000000000f cannot be read/);
  });

  it("plays a finished export through the same kind of resource", async () => {
    let result = await call("export_video", { file_name: "studio", wait_seconds: 50 });
    let out = result.structuredContent as { status: string; job_id: string; file: string };
    while (out.status === "running") {
      result = await call("get_job", { job_id: out.job_id, wait_seconds: 50 });
      out = result.structuredContent as typeof out;
    }
    expect(out.status, textOf(result)).toBe("completed");
    const blob = (await client.readResource({ uri: `video-maker://exports/${out.job_id}` })).contents[0] as { blob: string };
    expect(Buffer.from(blob.blob, "base64").equals(await readFile(out.file))).toBe(true);
  }, 120_000);
});

describe("the studio's server side on the cloud backend", () => {
  it("offers no preview rendition: no render_preview tool and no preview resource", async () => {
    const cloud = await connect("nemo");
    try {
      expect((await cloud.client.listTools()).tools.map((t) => t.name)).not.toContain("render_preview");
      const templates = (await cloud.client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
      expect(templates).toEqual(["video-maker://exports/{job_id}"]);
    } finally {
      await cloud.client.close();
      await cloud.server.cleanup();
    }
  });
});
