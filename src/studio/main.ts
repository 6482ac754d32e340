import { App, applyDocumentTheme, applyHostFonts, applyHostStyleVariables, type McpUiHostContext } from "@modelcontextprotocol/ext-apps";
import {
  type CallToolResult,
  ReadResourceResultSchema,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { type StudioTimeline, drawTimeline, placePlayhead, seconds, setThumbnail, timeAt } from "./timeline.js";

/**
 * The studio View (MCP Apps): a player and the timeline as tracks. Everything goes through
 * the host: tools/call for the buttons, resources/read for the timeline and for the video,
 * which arrives as a base64 blob and plays from a data: URL (the spec's default CSP allows
 * `media-src data:`; blob: URLs and file paths it does not).
 */

const TIMELINE_URI = "video-maker://studio/timeline";
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const player = $<HTMLVideoElement>("player");
const statusLine = $("status");
const lanes = $("lanes");
const timelineBox = $("timeline");
const playhead = $("playhead");
const frame = $("frame");

let timeline: StudioTimeline | undefined;
let busy = false;

const app = new App({ name: "video-maker-studio", version: "1.0.0" }, { availableDisplayModes: ["inline", "fullscreen"] });

function say(text: string, error = false): void {
  statusLine.textContent = text;
  statusLine.classList.toggle("error", error);
}

function textOf(result: CallToolResult): string {
  return result.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join(" ");
}

/** Calls a tool of the server through the host; a failed call is shown in words and returns undefined. */
async function call(name: string, args: Record<string, unknown> = {}): Promise<CallToolResult | undefined> {
  try {
    const result = await app.callServerTool({ name, arguments: args });
    if (result.isError) {
      say(textOf(result) || `${name} failed.`, true);
      return undefined;
    }
    return result;
  } catch (error) {
    say(error instanceof Error ? error.message : String(error), true);
    return undefined;
  }
}

async function readResource(uri: string) {
  return app.request({ method: "resources/read", params: { uri } }, ReadResourceResultSchema);
}

async function refreshTimeline(): Promise<void> {
  try {
    const content = (await readResource(TIMELINE_URI)).contents[0];
    if (!content || !("text" in content)) return;
    timeline = JSON.parse(content.text) as StudioTimeline;
    drawTimeline(lanes, $("ruler"), timeline);
    drawActions();
    if (!busy) say(timeline.timeline);
    void loadThumbnails(timeline);
  } catch (error) {
    say(`The timeline could not be read: ${error instanceof Error ? error.message : String(error)}`, true);
  }
}

/** Local backend: one small frame from the middle of each clip, drawn behind it. */
async function loadThumbnails(shown: StudioTimeline): Promise<void> {
  if (!shown.can.thumbnails) return;
  for (const segment of shown.tracks.find((t) => t.kind === "video")?.segments ?? []) {
    if (timeline !== shown) return; // redrawn meanwhile
    const at = Math.min(shown.duration_s, (segment.start_s + segment.end_s) / 2);
    const result = await app.callServerTool({ name: "preview_frame", arguments: { at_seconds: at, size: 160 } }).catch(() => undefined);
    const image = result?.content.find((block) => block.type === "image");
    if (image && image.type === "image") setThumbnail(lanes, segment.start_s, `data:${image.mimeType};base64,${image.data}`);
  }
}

/** Plays an MP4 the server serves as a resource (a preview or a finished export). */
async function play(uri: string, what: string): Promise<boolean> {
  say(`Loading the ${what}…`);
  try {
    const content = (await readResource(uri)).contents[0];
    if (!content || !("blob" in content)) throw new Error(`The ${what} did not arrive as a video.`);
    frame.hidden = true;
    player.src = `data:${content.mimeType ?? "video/mp4"};base64,${content.blob}`;
    $("empty").hidden = true;
    say(`Playing the ${what}.`);
    return true;
  } catch (error) {
    say(error instanceof Error ? error.message : String(error), true);
    return false;
  }
}

async function preview(): Promise<void> {
  await busyWith("Rendering a preview…", async () => {
    const result = await call("render_preview");
    const uri = (result?.structuredContent as { video_uri?: string } | undefined)?.video_uri;
    if (uri) await play(uri, "preview");
  });
}

async function exportVideo(): Promise<void> {
  await busyWith("Exporting the MP4…", async () => {
    let result = await call("export_video", { wait_seconds: 50 });
    let out = result?.structuredContent as { status?: string; job_id?: string } | undefined;
    while (out?.status === "running" && out.job_id) {
      say(`Exporting… ${textOf(result!)}`);
      result = await call("get_job", { job_id: out.job_id, wait_seconds: 50 });
      out = result?.structuredContent as typeof out;
    }
    if (result) showExport(result);
  });
}

function showExport(result: CallToolResult): void {
  const out = result.structuredContent as { status?: string; job_id?: string; file?: string } | undefined;
  if (out?.status !== "completed" || !out.job_id) return void say(textOf(result));
  void play(`video-maker://exports/${out.job_id}`, "export").then(async (played) => {
    // Too big to pass through the host: the local backend shows its preview instead.
    if (!played && timeline?.can.preview_video) await preview();
    if (!played) say(`Saved to ${out.file ?? "the output folder"}. ${statusLine.textContent ?? ""}`, true);
  });
}

async function undo(): Promise<void> {
  await busyWith("Undoing…", async () => {
    const result = await call("undo_edit");
    if (result) say(textOf(result));
    await refreshTimeline();
  });
}

async function showFrame(at: number): Promise<void> {
  if (player.src && Number.isFinite(player.duration)) player.currentTime = Math.min(at, player.duration);
  placePlayhead(playhead, timelineBox, at, timeline?.duration_s ?? 0);
  if (!timeline?.can.frames) return;
  const result = await call("preview_frame", { at_seconds: Math.round(at * 100) / 100 });
  if (result) showFrameResult(result);
}

function showFrameResult(result: CallToolResult): void {
  const image = result.content.find((block) => block.type === "image");
  if (!image || image.type !== "image") return;
  $<HTMLImageElement>("frame-image").src = `data:${image.mimeType};base64,${image.data}`;
  const at = (result.structuredContent as { at_seconds?: number } | undefined)?.at_seconds ?? 0;
  $("frame-caption").textContent = `Frame at ${seconds(at)}${player.src ? " — press Play to go back to the video" : ""}`;
  frame.hidden = false;
  player.pause();
  $("empty").hidden = true;
}

async function busyWith(message: string, work: () => Promise<void>): Promise<void> {
  if (busy) return;
  busy = true;
  drawActions();
  say(message);
  try {
    await work();
  } finally {
    busy = false;
    drawActions();
  }
}

/** Only what this backend can do: the server's timeline resource says which. */
function drawActions(): void {
  const nav = $("actions");
  nav.replaceChildren();
  const add = (label: string, action: () => unknown, title: string) => {
    const button = document.createElement("button");
    button.textContent = label;
    button.title = title;
    button.disabled = busy;
    button.addEventListener("click", () => void action());
    nav.append(button);
  };
  if (timeline?.can.preview_video) add("Preview", preview, "Render a quick 540p preview of the timeline and play it");
  add("Export", exportVideo, "Render the full-quality MP4 and play it");
  if (timeline?.can.undo) add("Undo", undo, "Go back one edit");
  add("Refresh", refreshTimeline, "Read the timeline again");
  const modes = app.getHostContext()?.availableDisplayModes ?? [];
  const mode = app.getHostContext()?.displayMode ?? "inline";
  if (modes.includes("fullscreen")) {
    const next = mode === "fullscreen" ? "inline" : "fullscreen";
    add(next === "fullscreen" ? "Fullscreen" : "Exit fullscreen", () => app.requestDisplayMode({ mode: next }), "Change how the host shows the studio");
  }
}

function applyContext(context: McpUiHostContext | undefined): void {
  if (!context) return;
  if (context.theme) applyDocumentTheme(context.theme);
  if (context.styles?.variables) applyHostStyleVariables(context.styles.variables);
  if (context.styles?.css?.fonts) applyHostFonts(context.styles.css.fonts);
  // A fixed height (or fullscreen) is filled; otherwise the page grows with its content.
  const fixed = context.displayMode === "fullscreen" || (context.containerDimensions !== undefined && "height" in context.containerDimensions);
  document.body.classList.toggle("fill", fixed);
  drawActions();
}

app.ontoolresult = (result) => {
  const out = result.structuredContent as Record<string, unknown> | undefined;
  if (out && "job_id" in out && "status" in out) showExport(result);
  else if (out && "at_seconds" in out) showFrameResult(result);
  void refreshTimeline();
};
app.onhostcontextchanged = (changed) => applyContext({ ...app.getHostContext(), ...changed });
app.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
  if (notification.params.uri === TIMELINE_URI) void refreshTimeline();
});
app.setNotificationHandler(ResourceListChangedNotificationSchema, () => void refreshTimeline());

player.addEventListener("play", () => void (frame.hidden = true));
frame.addEventListener("click", () => void (frame.hidden = !player.src));
player.addEventListener("timeupdate", () => placePlayhead(playhead, timelineBox, player.currentTime, timeline?.duration_s ?? 0));
timelineBox.addEventListener("click", (event) => {
  const at = timeline ? timeAt(timelineBox, event.clientX, timeline.duration_s) : undefined;
  if (at !== undefined) void showFrame(at);
});
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") void refreshTimeline();
});

// Opened outside a host nothing answers (the SDK would wait a minute): say so after a few seconds.
const noHost = setTimeout(() => say("No MCP Apps host answered: this page only works inside a host that renders MCP Apps.", true), 5000);
app
  .connect()
  .then(async () => {
    clearTimeout(noHost);
    document.body.classList.add("connected");
    applyContext(app.getHostContext());
    await refreshTimeline();
    // The local backend renders its preview on open (an unchanged timeline's comes back at once).
    if (timeline?.can.preview_video && !player.src && timeline.tracks.some((t) => t.segments.length > 0)) await preview();
  })
  .catch(() => say("No MCP Apps host answered: this page only works inside a host that renders MCP Apps.", true));
