import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeAudio, makePng, makeVideo } from "../integration/media-fixtures.js";
import { type LocalMcp, startLocalMcp, textOf } from "./harness.js";

/** export_project through MCP on the local backend: what a host calls, what it reads back, what lands on disk. */

let root: string;
let out: string;
let mcp: LocalMcp;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vm project mcp "));
  out = join(root, "out");
  mcp = await startLocalMcp(root, "project-host");
});
afterAll(async () => {
  await mcp.close();
  await rm(root, { recursive: true, force: true });
});

const call = (name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> => mcp.call(name, args);

describe("export_project", () => {
  it("on an empty timeline says there is nothing yet, as an export does, and writes nothing", async () => {
    const result = await call("export_project", { format: "mlt" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/The timeline is empty, so there is nothing to render yet\. Add media \(upload_media\), then build the video \(apply_edits\)/);
    expect(await readdir(out).catch(() => [])).toEqual([]);
  });

  it("saves the timeline for Shotcut and Kdenlive, media by absolute path, never over an existing file, and says what it could not carry", async () => {
    const clip = await makeVideo(root, "beach & sun <1>.mp4", 2);
    const photo = await makePng(root, "photo.png");
    const music = await makeAudio(root, "music.mp3", 3);
    expect((await call("upload_media", { paths: [clip, photo, music] })).isError).toBeFalsy();
    const edited = await call("apply_edits", {
      ops: [
        { op: "add_clip", media: "beach & sun <1>.mp4" },
        { op: "add_image", media: "photo.png", duration: 1, ken_burns: "zoom_in" },
        { op: "set_transition", after: 1, type: "wipeleft", duration: 0.5 },
        { op: "add_audio", media: "music.mp3", duck: true, fade_in: 0.5 },
        { op: "add_text", text: "Café \"Ünïcode\" & <tags>", duration: 1 },
      ],
    });
    expect(edited.isError).toBeFalsy();

    const mlt = await call("export_project", { format: "mlt", file_name: "my promo" });
    expect(mlt.isError).toBeFalsy();
    const answer = mlt.structuredContent as { file: string; format: string; clips: number; not_carried: string[] };
    expect(answer.file).toBe(join(out, "my promo.mlt"));
    expect(answer).toMatchObject({ format: "mlt", clips: 2, music: 1, texts: 1, logos: 0 });
    expect(answer.not_carried.join("\n")).toMatch(/Ken Burns moves \(image-1\)/);
    expect(answer.not_carried.join("\n")).toMatch(/ducking/);
    expect(answer.not_carried.join("\n")).toMatch(/wipeleft transition is written as a plain dissolve/);
    expect(textOf(mlt)).toMatch(/Saved the MLT project: .*my promo\.mlt .*Open it in Shotcut.*nothing was copied.*\nNot carried: .*Ken Burns/s);
    const xml = await readFile(answer.file, "utf8");
    expect(xml).toContain(`<property name="resource">${clip.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}</property>`);
    expect(xml).toContain("Café \"Ünïcode\" &amp; &lt;tags&gt;");

    const again = await call("export_project", { format: "mlt", file_name: "my promo.mlt" });
    expect((again.structuredContent as { file: string }).file).toBe(join(out, "my promo (2).mlt"));

    const kdenlive = await call("export_project", { format: "kdenlive" });
    const saved = (kdenlive.structuredContent as { file: string }).file;
    expect(saved).toMatch(/video-maker-\d{8}-\d{6}\.kdenlive$/);
    expect(await readFile(saved, "utf8")).toContain('<property name="kdenlive:docproperties.version">1.04</property>');
    expect((await readdir(out)).filter((name) => name.startsWith("."))).toEqual([]);

    // For Resolve: OTIO names its own losses (the wipe is a named custom transition there, not a dissolve).
    const otio = await call("export_project", { format: "otio", file_name: "for resolve" });
    expect(otio.isError).toBeFalsy();
    const otioAnswer = otio.structuredContent as { file: string; format: string; not_carried: string[] };
    expect(otioAnswer).toMatchObject({ file: join(out, "for resolve.otio"), format: "otio", clips: 2, music: 1, texts: 1 });
    expect(otioAnswer.not_carried.join("\n")).toMatch(/Ken Burns/);
    expect(otioAnswer.not_carried.join("\n")).not.toMatch(/plain dissolve/);
    expect(otio.content?.find((c) => c.type === "resource_link")).toMatchObject({ mimeType: "application/json" });
    expect(textOf(otio)).toMatch(/Saved the OpenTimelineIO timeline: .*for resolve\.otio .*DaVinci Resolve/s);
    const document = JSON.parse(await readFile(otioAnswer.file, "utf8")) as { OTIO_SCHEMA: string; tracks: { children: Array<{ children: Array<Record<string, unknown>> }> } };
    expect(document.OTIO_SCHEMA).toBe("Timeline.1");
    const items = document.tracks.children[0]!.children;
    expect(items.find((item) => item["OTIO_SCHEMA"] === "Transition.1")).toMatchObject({ transition_type: "Custom_Transition" });
    expect(JSON.stringify(items)).toContain(`file://${encodeURI(clip).replace(/#/g, "%23").replace(/\?/g, "%3F")}`);
  });

  it("refuses a format it does not write, and a file name with folders, in words", async () => {
    const bad = await call("export_project", { format: "fcpxml" });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/format must be one of: mlt, kdenlive, otio/);
    const escape = await call("export_project", { format: "mlt", file_name: "../escape" });
    expect(escape.isError).toBe(true);
    expect(textOf(escape)).toMatch(/must not contain folders/);
  });
});
