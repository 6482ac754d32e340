/// <reference lib="dom" />
// (The functions given to page.evaluate and waitForFunction run in the browser.)
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { type CallToolResult, ResourceUpdatedNotificationSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { build } from "esbuild";
import { type Browser, type Frame, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeStudioMedia, STUDIO_OPS } from "../support/studio-project.js";
import { binEnv } from "../support/env.js";

/**
 * The studio View in a real browser: headless Chromium (the system's, nothing downloaded)
 * loads a test host page that puts the View in a sandboxed iframe and speaks the host side
 * with ext-apps' AppBridge; the host's tool calls and resource reads go to the REAL built
 * server over stdio. A real local project (clips made by ffmpeg) is opened, played and clicked.
 * STUDIO_SCREENSHOT=<path> also copies the screenshot there (docs/images/studio.png).
 */

const BIN = resolve("dist/cli.js");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const STUDIO_URI = "ui://video-maker/studio";
/** What tests/browser/host-page.ts puts on the page's window. */
type HostWindow = { startHost(html: string, toolName: string, result: unknown): Promise<void>; hostNotify(method: string, params: unknown): Promise<void> };
const TIMELINE_URI = "video-maker://studio/timeline";

let root: string;
let client: Client;
let browser: Browser;
let page: Page;

async function call(name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  const result = (await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 })) as CallToolResult;
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  return result;
}

async function hostPageScript(): Promise<string> {
  const out = await build({ entryPoints: ["tests/browser/host-page.ts"], bundle: true, format: "iife", platform: "browser", target: "es2022", write: false, logLevel: "warning" });
  return out.outputFiles[0]!.text;
}

async function viewFrame(): Promise<Frame> {
  for (let i = 0; i < 100; i++) {
    const frame = page.frames().find((f) => f !== page.mainFrame());
    if (frame && (await frame.$("#timeline").catch(() => null))) return frame;
    await page.waitForTimeout(100);
  }
  throw new Error("the View never loaded in the iframe");
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vm-studio-"));
  const media = join(root, "media");
  await mkdir(media);
  const clips = await makeStudioMedia(media);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN],
    env: binEnv({ fakeUrl: "http://127.0.0.1:9", root }, { VIDEO_MAKER_BACKEND: "local" }),
    stderr: "pipe",
  });
  client = new Client({ name: "studio-test", version: "1.0.0" });
  await client.connect(transport);
  await call("upload_media", { paths: clips });
  await call("apply_edits", { ops: STUDIO_OPS });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required",
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await client?.close();
  await rm(root, { recursive: true, force: true });
});

describe.skipIf(!existsSync(CHROMIUM))("the studio View in headless Chromium", () => {
  it("declares the View on its tools, with the app-only Preview button hidden from the model", async () => {
    const { tools } = await client.listTools();
    const meta = (name: string) => (tools.find((t: Tool) => t.name === name)?._meta as { ui?: { resourceUri?: string; visibility?: string[] } } | undefined)?.ui;
    for (const name of ["get_state", "export_video", "preview_frame"]) expect(meta(name)?.resourceUri).toBe(STUDIO_URI);
    expect(meta("render_preview")).toEqual({ resourceUri: STUDIO_URI, visibility: ["app"] });
    const view = (await client.readResource({ uri: STUDIO_URI })).contents[0]!;
    expect(view.mimeType).toBe("text/html;profile=mcp-app");
    // One self-contained page: nothing loaded from elsewhere.
    expect("text" in view ? view.text : "").not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });

  it("shows the timeline, plays the preview, returns a frame on a click and follows an edit", async () => {
    const state = await call("get_state");
    const page0 = (await client.readResource({ uri: STUDIO_URI })).contents[0]!;
    const html = "text" in page0 ? page0.text : "";
    await client.subscribeResource({ uri: TIMELINE_URI });

    page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    await page.exposeFunction("vmCallTool", (params: { name: string; arguments?: Record<string, unknown> }) =>
      client.callTool(params, undefined, { timeout: 120_000 }),
    );
    await page.exposeFunction("vmReadResource", (params: { uri: string }) => client.readResource(params));
    // The server's resources/updated goes on to the View, as a host with Apps passes it.
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void page.evaluate(([p]) => (window as unknown as HostWindow).hostNotify("notifications/resources/updated", p), [n.params]));
    await page.setContent(`<!doctype html><html><body style="margin:0;background:#111"><script>${await hostPageScript()}</script></body></html>`);
    await page.evaluate(([h, r]) => (window as unknown as HostWindow).startHost(h!, "get_state", JSON.parse(r!)), [html, JSON.stringify(state)]);
    const view = await viewFrame();

    // The tracks: video (2 clips), titles, music — labels and times.
    await view.waitForSelector(".lane[data-kind='video'] .segment");
    expect(await view.$$eval(".lane[data-kind='video'] .segment .label", (els) => els.map((e) => e.textContent))).toEqual(["beach.mp4", "city.mp4"]);
    expect(await view.$$eval(".lane[data-kind='titles'] .segment .label", (els) => els.map((e) => e.textContent))).toEqual(["Summer"]);
    expect(await view.$$eval(".lane[data-kind='music'] .segment", (els) => els.length)).toBe(1);
    expect(await view.$eval(".lane[data-kind='video'] .segment .time", (e) => e.textContent)).toBe("0s–2s");
    // Only what the local backend has: Preview and Undo are offered.
    expect(await view.$$eval("#actions button", (els) => els.map((e) => e.textContent))).toEqual(expect.arrayContaining(["Preview", "Export", "Undo"]));

    // The preview rendition plays: it arrives through resources/read and reaches HAVE_CURRENT_DATA.
    await view.waitForFunction(() => (document.getElementById("player") as HTMLVideoElement).readyState >= 2, undefined, { timeout: 60_000 });
    const duration = await view.$eval("#player", (v) => (v as HTMLVideoElement).duration);
    expect(duration).toBeCloseTo(4, 0);
    await view.$eval("#player", (v) => ((v as HTMLVideoElement).muted = true, (v as HTMLVideoElement).play()));
    await view.waitForFunction(() => (document.getElementById("player") as HTMLVideoElement).currentTime > 0.5, undefined, { timeout: 15_000 });
    await view.$eval("#player", (v) => (v as HTMLVideoElement).pause());
    // Thumbnails of the clips (local backend) are drawn behind them.
    await view.waitForFunction(() => Array.from(document.querySelectorAll<HTMLElement>(".lane[data-kind='video'] .segment")).every((s) => s.style.backgroundImage.startsWith('url("data:image/png')), undefined, { timeout: 30_000 });

    // A click three quarters along the tracks shows that frame (preview_frame through the host).
    const box = (await view.$("#lanes .lane-track"))!;
    const area = (await box.boundingBox())!;
    await box.click({ position: { x: area.width * 0.75, y: area.height / 2 } });
    await view.waitForSelector("#frame:not([hidden]) img[src^='data:image/png']", { timeout: 30_000 });
    expect(await view.$eval("#frame-caption", (e) => e.textContent)).toMatch(/Frame at 3s/);

    await (await page.$("#view"))!.screenshot({ path: join(root, "studio.png") });
    if (process.env.STUDIO_SCREENSHOT) await copyFile(join(root, "studio.png"), process.env.STUDIO_SCREENSHOT);

    // An edit made elsewhere (the model's apply_edits): the View hears resources/updated and redraws.
    await call("apply_edits", { ops: [{ op: "add_text", text: "Sale", at: 2.5, duration: 1 }] });
    await view.waitForFunction(() => document.querySelectorAll(".lane[data-kind='titles'] .segment").length === 2, undefined, { timeout: 15_000 });
  }, 90_000);
});
