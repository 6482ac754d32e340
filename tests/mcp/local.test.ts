import { execFile } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { type CallToolResult, CallToolResultSchema, CreateTaskResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { takeRenderSlot } from "../../src/local/render-slots.js";
import { createLogger } from "../../src/mcp/logger.js";
import { type CreatedServer, createServer } from "../../src/mcp/server.js";
import { makeAudio, makePng, makeVideo } from "../integration/media-fixtures.js";
import { type LocalMcp, startLocalMcp, textOf } from "./harness.js";

const run = promisify(execFile);

/** A host that knows only the tools, the prompt and the results, on the offline backend. */

let root: string;
let mcp: LocalMcp;
const media: Record<string, string> = {};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vm-local-mcp-"));
  media.clipA = await makeVideo(root, "beach.mp4", 2);
  media.clipB = await makeVideo(root, "city.mp4", 2);
  media.photo = await makePng(root, "logo.png");
  media.music = await makeAudio(root, "music.mp3", 3);
  mcp = await startLocalMcp(root, "local-host");
});
afterAll(async () => {
  await mcp.close();
  await rm(root, { recursive: true, force: true });
});

const call = (name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> => mcp.call(name, args);

describe("local backend through MCP", () => {
  it("adds apply_edits and preview_frame to the tools, with the ops documented", async () => {
    const { tools } = await mcp.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["apply_edits", "preview_frame", "upload_media", "export_video"]));
    const apply = tools.find((t) => t.name === "apply_edits")!;
    expect(apply.description).toMatch(/add_clip/);
    expect(apply.description).toMatch(/combine these clips into a 60-second promo/i);
  });

  it("the prompt shows how requests become ops", async () => {
    const prompt = await mcp.client.getPrompt({ name: "video-maker", arguments: { request: "combine these clips into a 60-second promo video with text overlays and transitions" } });
    const text = (prompt.messages[0]!.content as { text: string }).text;
    expect(text).toMatch(/you are the editor/);
    expect(text).toMatch(/"op":"set_transition"/);
    expect(text).toMatch(/Turn these photos into a 30-second promo with background music/);
  });

  it("offers no agent tools: edit_video and get_credits are not listed and not callable", async () => {
    const { tools } = await mcp.client.listTools();
    expect(tools.map((t) => t.name)).toEqual([
      "upload_media", "get_state", "export_video", "get_job", "cancel_job", "new_session", "apply_edits", "preview_frame", "undo_edit", "inspect_media", "render_preview", "export_project",
    ]);
    // An unknown tool is a protocol error (-32602), as the spec says, in words.
    await expect(call("edit_video", { instruction: "add a title" })).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/no tool named "edit_video"/) });
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

  it("a host that uses tasks exports as a task here too: tasks/get until completed, the MP4 from tasks/result", async () => {
    const tasksClient = new Client({ name: "tasks-host", version: "1.0.0" }, { capabilities: { tasks: { list: {}, cancel: {} } } });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    const second = await createServer(mcp.created.context.config, { logger: createLogger({ stderr: false }) });
    await second.server.connect(serverTransport);
    await tasksClient.connect(clientTransport);
    try {
      const { tools } = await tasksClient.listTools();
      // Only the job tool runs as a task: the offline edits answer at once.
      expect(tools.filter((t) => t.execution?.taskSupport === "optional").map((t) => t.name)).toEqual(["export_video"]);
      const { task } = await tasksClient.request(
        { method: "tools/call", params: { name: "export_video", arguments: { file_name: "local task" }, task: {} } },
        CreateTaskResultSchema,
      );
      let status = task.status;
      for (let i = 0; i < 600 && status === "working"; i++) {
        await new Promise((done) => setTimeout(done, 100));
        status = (await tasksClient.experimental.tasks.getTask(task.taskId)).status;
      }
      expect(status).toBe("completed");
      const result = await tasksClient.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
      const out = result.structuredContent as { file: string; job_id: string };
      expect(out.job_id).toBe(task.taskId);
      expect(out.file).toBe(join(root, "out", "local task.mp4"));
      expect((await stat(out.file)).size).toBeGreaterThan(10_000);
    } finally {
      await tasksClient.close();
      await second.cleanup();
    }
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

  it("an export waiting for another render says queued with its place (result, progress, get_job), and cancel_job ends it before ffmpeg starts", async () => {
    await call("new_session");
    await call("apply_edits", { ops: [{ op: "add_image", media: media.photo, duration: 1 }, { op: "set_format", resolution: 360 }] });
    // This process holds the one slot, as another server's render would.
    const held = await takeRenderSlot(join(root, "home"), { limit: 1 });
    try {
      const progress: string[] = [];
      const started = (await mcp.client.callTool({ name: "export_video", arguments: { file_name: "waits", wait_seconds: 1 } }, undefined, {
        onprogress: (p) => progress.push(p.message ?? ""),
      })) as CallToolResult;
      const out = started.structuredContent as { job_id: string; status: string; message: string };
      expect(out).toMatchObject({ status: "queued", progress: 0, message: "Waiting for 1 other render to finish (place 2)" });
      expect(textOf(started)).toMatch(/^Queued: Waiting for 1 other render to finish \(place 2\)\. The export starts by itself/);
      expect(progress).toContain("Waiting for 1 other render to finish (place 2)");
      expect((await call("get_job", { job_id: out.job_id, wait_seconds: 0 })).structuredContent).toMatchObject({ kind: "export", status: "queued" });
      const cancelled = await call("cancel_job", { job_id: out.job_id });
      expect(cancelled.structuredContent).toEqual({ job_id: out.job_id, status: "cancelled" });
      expect(textOf(cancelled)).toBe(`Cancelled job ${out.job_id}.`);
    } finally {
      await held.release();
    }
    await expect(stat(join(root, "out", "waits.mp4"))).rejects.toThrow();
  }, 60_000);

  it("inspect_media looks at a file, a project media and the timeline, and answers with one contact sheet image", async () => {
    await call("new_session");
    await call("upload_media", { paths: [media.clipA, media.clipB] });
    await call("apply_edits", { ops: [{ op: "add_clip", media: "beach.mp4" }, { op: "add_clip", media: "city.mp4" }] });
    const file = await call("inspect_media", { file: media.clipA, max_tiles: 2 });
    expect(file.isError).toBeFalsy();
    expect(file.structuredContent).toMatchObject({ subject: "beach.mp4", kind: "video", has_audio: true });
    expect(textOf(file)).toMatch(/what remove_silence would cut|remove_silence would cut nothing/);
    const images = file.content.filter((block) => block.type === "image");
    expect(images).toHaveLength(1);
    expect(Buffer.from((images[0] as { data: string }).data, "base64").subarray(1, 4).toString()).toBe("PNG");
    expect((file.structuredContent as { tiles: unknown[] }).tiles).toHaveLength(2);

    const byName = await call("inspect_media", { media: "city" });
    expect(byName.structuredContent).toMatchObject({ subject: "city.mp4" });
    const board = await call("inspect_media", { timeline: true });
    expect((board.structuredContent as { tiles: { segment: string }[] }).tiles.map((t) => t.segment)).toEqual(["clip-1", "clip-2"]);
    expect(textOf(board)).toMatch(/Storyboard \(2 tiles/);

    const both = await call("inspect_media", { file: media.clipA, timeline: true });
    expect(both.isError).toBe(true);
    expect(textOf(both)).toBe("Give exactly one of file, media or timeline: true.");
    const relative = await call("inspect_media", { file: "beach.mp4" });
    expect(textOf(relative)).toMatch(/is not an absolute path/);
  }, 90_000);
});
