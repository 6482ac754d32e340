import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { Draft } from "../../src/core/draft.js";
import { LocalBackend } from "../../src/local/backend.js";
import { compileRender } from "../../src/local/compile.js";
import { filterValue } from "../../src/local/filtergraph.js";
import { locateFont } from "../../src/local/fonts.js";
import { fakeMedia, grayFrame } from "../local/fixtures.js";

/**
 * Filtergraph and drawtext injection: a person's title text never enters the graph (it goes
 * through a text file, with `%{…}` expansion off), and paths inside the graph are escaped for
 * both of ffmpeg's parsing levels. Checked on the compiled arguments and on rendered frames.
 */

const run = promisify(execFile);

const HOSTILE_TITLES = [
  "'; drawtext=text=PWNED",
  "[0:v]",
  "%{eif:1/0}",
  "%{pts}",
  "\\",
  ":fontfile=/etc/passwd",
  "first line\nsecond line",
  "a'b\\'c,d;e[f]g:h=`id`$(id)",
];

const GRAPH_SYNTAX = /PWNED|\/etc\/passwd|eif|\$\(id\)|`id`|first line/;

describe("titles never reach the filtergraph (compile)", () => {
  const media = [fakeMedia({ id: "bg", name: "bg.png", kind: "image", width: 320, height: 180, has_audio: false })];
  const options = { outputPath: "/out/x.mp4", workDir: "/w'o:r[k],d;i\\r", fontFile: "/f'o:n[t],s;/Bold.ttf" };

  it.each(HOSTILE_TITLES.map((title) => [JSON.stringify(title), title]))("%s", (_shown, title) => {
    const draft = {
      t: [
        { tt: 0, sg: [{ id: "image-1", n: "bg.png", src: "bg", st: 0, d: 2000, in: 0 }] },
        { tt: 7, sg: [{ id: "text-1", st: 0, d: 2000, tx: title, pos: "center", sz: 96, c: "white", box: false }] },
      ],
    } as unknown as Draft;
    const out = compileRender(draft, media, options);
    const lines = title.split("\n");
    const graph = out.filtergraph;
    // one drawtext per line, every one with expansion off and its text in a file
    const drawtexts = graph.match(/drawtext=/g) ?? [];
    expect(drawtexts).toHaveLength(lines.length);
    expect(graph.match(/expansion=none/g)).toHaveLength(lines.length);
    expect(out.textFiles.filter((f) => /text-1-\d+\.txt$/.test(f.path)).map((f) => f.content)).toEqual(lines);
    expect(graph).not.toMatch(GRAPH_SYNTAX);
    expect(out.args.join("\u0000")).not.toMatch(GRAPH_SYNTAX);
    // the paths are escaped for the option level and the graph level
    expect(graph).toContain(`textfile=${filterValue(`${options.workDir}/text-1-1.txt`)}`);
    expect(graph).toContain(`fontfile=${filterValue(options.fontFile)}`);
  });
});

describe("escaped paths mean the same file to ffmpeg", () => {
  let dir: string;
  let font: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "vm-sec-esc-"));
    font = await locateFont();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const NAMES = ["it's", "a:b", "x[0:v]y", "c,d", "e;f", "back\\slash", "all ' : [ ] , ; \\ of them", "'; drawtext=text=PWNED"];

  it.each(NAMES)("textfile in a folder named %j draws its text", async (name) => {
    const folder = join(dir, name);
    await mkdir(folder, { recursive: true });
    const textFile = join(folder, "t.txt");
    await writeFile(textFile, "WW");
    const graph = `drawtext=fontfile=${filterValue(font)}:textfile=${filterValue(textFile)}:expansion=none:fontcolor=white:fontsize=28:x=4:y=2`;
    const { stdout } = await run(
      "ffmpeg",
      ["-v", "error", "-nostdin", "-f", "lavfi", "-i", "color=black:s=64x32:d=0.1", "-vf", graph, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
      { encoding: "buffer" },
    );
    expect(stdout.length).toBe(64 * 32);
    expect([...stdout].filter((v) => v > 128).length).toBeGreaterThan(40);
  });
});

describe("hostile titles rendered by the local backend", () => {
  let root: string;
  let home: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "vm-sec-draw-"));
    // The render's work folder (text files) lives in the state folder: give it every graph metacharacter.
    home = join(root, "home 'x':[0:v],y;z\\");
    await mkdir(home, { recursive: true });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("draws each title as written, statically, in its place, and nothing else", async () => {
    const media = join(root, "bg's:[1],a;b.png");
    await run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "color=0x404040:s=320x180", "-frames:v", "1", join(root, "bg.png")]);
    await rename(join(root, "bg.png"), media);
    const out = join(root, "out");
    const config = loadConfig({ VIDEO_MAKER_HOME: home, VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_OUTPUT_DIR: out }, root);
    const backend = new LocalBackend(config);
    try {
      const uploaded = await backend.upload({ paths: [media] });
      expect(uploaded.rejected).toEqual([]);
      const seconds = HOSTILE_TITLES.length;
      await backend.applyEdits([
        { op: "set_format", resolution: 180 },
        { op: "add_image", media: media, duration: seconds },
        ...HOSTILE_TITLES.map((text, i) => ({ op: "add_text", text, at: i, duration: 1, position: "center", size: 150 })),
      ]);
      const result = await backend.exportVideo({ outputDir: out, fileName: "titles.mp4" });

      const background = await grayFrame(media, 0);
      const W = 320;
      const textPixels = (frame: Buffer) => [...frame].map((v, i) => (Math.abs(v - background[i]!) > 60 ? i : -1)).filter((i) => i >= 0);
      for (const [index, title] of HOSTILE_TITLES.entries()) {
        const early = await grayFrame(result.file, index + 0.3);
        const late = await grayFrame(result.file, index + 0.7);
        const drawn = textPixels(early);
        expect(drawn.length, `${JSON.stringify(title)} is drawn`).toBeGreaterThan(15);
        // Static: %{pts} (or anything else) evaluated per frame would change between the two.
        expect(Buffer.compare(early, late), `${JSON.stringify(title)} does not change over time`).toBe(0);
        // Only in the middle band: an injected drawtext would land at its default x=0:y=0.
        const rows = drawn.map((i) => Math.floor(i / W));
        expect(Math.min(...rows), JSON.stringify(title)).toBeGreaterThan(10);
        expect(drawn.filter((i) => i % W < 6 && Math.floor(i / W) < 20), JSON.stringify(title)).toEqual([]);
        if (title.includes("\n")) expect(Math.max(...rows) - Math.min(...rows)).toBeGreaterThan(30);
      }
    } finally {
      await backend.close();
    }
  }, 90_000);
});
