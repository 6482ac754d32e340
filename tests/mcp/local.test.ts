import { execFile } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/mcp/logger.js";
import { type CreatedServer, createServer } from "../../src/mcp/server.js";
import { makeAudio, makePng, makeVideo } from "../integration/media-fixtures.js";
import { textOf } from "./harness.js";

const run = promisify(execFile);

/** A host that knows only the tools, the prompt and the results, on the offline backend. */

let root: string;
let created: CreatedServer;
let client: Client;
const media: Record<string, string> = {};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vm-local-mcp-"));
  media.clipA = await makeVideo(root, "beach.mp4", 2);
  media.clipB = await makeVideo(root, "city.mp4", 2);
  media.photo = await makePng(root, "logo.png");
  media.music = await makeAudio(root, "music.mp3", 3);
  const config = loadConfig({ VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_HOME: join(root, "home"), VIDEO_MAKER_OUTPUT_DIR: join(root, "out") });
  created = await createServer(config, { logger: createLogger({ stderr: false }) });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  client = new Client({ name: "local-host", version: "1.0.0" });
  await created.server.connect(serverTransport);
  await client.connect(clientTransport);
});
afterAll(async () => {
  await client.close();
  await created.cleanup();
  await rm(root, { recursive: true, force: true });
});

const call = async (name: string, args: Record<string, unknown> = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult;

describe("local backend through MCP", () => {
  it("adds apply_edits and preview_frame to the tools, with the ops documented", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["apply_edits", "preview_frame", "upload_media", "export_video"]));
    const apply = tools.find((t) => t.name === "apply_edits")!;
    expect(apply.description).toMatch(/add_clip/);
    expect(apply.description).toMatch(/combine these clips into a 60-second promo/i);
  });

  it("the prompt shows how requests become ops", async () => {
    const prompt = await client.getPrompt({ name: "video-maker", arguments: { request: "combine these clips into a 60-second promo video with text overlays and transitions" } });
    const text = (prompt.messages[0]!.content as { text: string }).text;
    expect(text).toMatch(/you are the editor/);
    expect(text).toMatch(/"op":"set_transition"/);
    expect(text).toMatch(/Turn these photos into a 30-second promo with background music/);
  });

  it("offers no agent tools: edit_video and get_credits are not listed and not callable", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual([
      "upload_media", "get_state", "export_video", "get_job", "cancel_job", "new_session", "apply_edits", "preview_frame", "undo_edit", "render_preview",
    ]);
    const edit = await call("edit_video", { instruction: "add a title" });
    expect(edit.isError).toBe(true);
    expect(textOf(edit)).toMatch(/no tool named "edit_video"/);
  });

  it("takes files to a checked MP4: upload → apply_edits → preview_frame → export", async () => {
    const upload = await call("upload_media", { paths: Object.values(media), urls: ["https://example.com/a.mp4"] });
    expect((upload.structuredContent as { uploaded: unknown[] }).uploaded).toHaveLength(4);
    expect((upload.structuredContent as { rejected: Array<{ reason: string }> }).rejected[0]!.reason).toMatch(/local/i);

    const bad = await call("apply_edits", { ops: [{ op: "add_clip", media: "nope.mp4" }, { op: "add_text", text: "" }] });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/nope\.mp4/);
    expect((await call("get_state")).structuredContent).toMatchObject({ timeline: "Timeline (0 tracks): empty" });

    const edit = await call("apply_edits", {
      ops: [
        { op: "set_format", aspect: "16:9", resolution: 360, fps: 25 },
        { op: "add_clip", media: "beach.mp4" },
        { op: "add_image", media: "logo.png", duration: 1.5, ken_burns: "zoom_in" },
        { op: "add_clip", media: "city.mp4" },
        { op: "set_transition", all: true, type: "dissolve", duration: 0.5 },
        { op: "add_text", text: "Summer \"Sale\": 50% off %{pts}", at: 0, duration: 2, box: true },
        { op: "add_audio", media: "music.mp3", volume: 0.4, fade_out: 1, loop: true },
      ],
    });
    expect(edit.isError, textOf(edit)).toBeFalsy();
    const { timeline } = edit.structuredContent as { timeline: string };
    expect(timeline).toMatch(/^Timeline \(3 tracks\): 1\. Video: beach\.mp4/);

    const frame = await call("preview_frame", { at_seconds: 1 });
    const image = frame.content.find((block) => block.type === "image") as { data: string; mimeType: string } | undefined;
    expect(image?.mimeType).toBe("image/png");
    expect(Buffer.from(image!.data, "base64").subarray(1, 4).toString()).toBe("PNG");

    let exported = await call("export_video", { file_name: "local promo", wait_seconds: 30 });
    let out = exported.structuredContent as { status: string; file: string; job_id: string };
    // As a host does: keep waiting with get_job while the render runs.
    for (let i = 0; i < 10 && out.status === "running"; i++) {
      exported = await call("get_job", { job_id: out.job_id, wait_seconds: 30 });
      out = exported.structuredContent as typeof out;
    }
    expect(out.status, textOf(exported)).toBe("completed");
    expect((await stat(out.file)).size).toBeGreaterThan(10_000);
    const probe = JSON.parse(
      (await run("ffprobe", ["-v", "error", "-show_entries", "format=duration:stream=codec_type,codec_name,width,height", "-of", "json", out.file])).stdout,
    ) as { format: { duration: string }; streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number }> };
    expect(probe.streams.find((s) => s.codec_type === "video")).toMatchObject({ codec_name: "h264", width: 640, height: 360 });
    expect(probe.streams.find((s) => s.codec_type === "audio")?.codec_name).toBe("aac");
    // 2 + 1.5 + 2 seconds, minus two 0.5 s transitions.
    expect(Number(probe.format.duration)).toBeCloseTo(4.5, 0);
  }, 120_000);

  it("undo_edit steps back one accepted batch at a time, and says when there is nothing left", async () => {
    await call("new_session");
    await call("upload_media", { paths: [media.clipA, media.clipB] });
    const first = await call("apply_edits", { ops: [{ op: "add_clip", media: "beach.mp4" }] });
    const afterFirst = (first.structuredContent as { timeline: string }).timeline;
    await call("apply_edits", { ops: [{ op: "add_clip", media: "city.mp4" }, { op: "add_text", text: "Two", duration: 1 }] });
    // A refused batch is not a version: undo goes past it to the last accepted one.
    expect((await call("apply_edits", { ops: [{ op: "remove", segment: "clip-9" }] })).isError).toBe(true);

    const undo = await call("undo_edit");
    expect(undo.structuredContent).toMatchObject({ undone: true, timeline: afterFirst });
    expect((await call("get_state")).structuredContent).toMatchObject({ timeline: afterFirst });
    expect((await call("undo_edit")).structuredContent).toMatchObject({ undone: true, timeline: "Timeline (0 tracks): empty" });
    const nothing = await call("undo_edit");
    expect(nothing.isError).toBeFalsy();
    expect(nothing.structuredContent).toMatchObject({ undone: false, timeline: "Timeline (0 tracks): empty" });
    expect(textOf(nothing)).toMatch(/nothing to undo/i);
  }, 60_000);
});
