import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { VideoMakerError } from "../../core/errors.js";
import { ensurePrivateDir } from "../../core/store.js";
import { type Command, EXIT, printJson } from "../context.js";
import { progressDisplay } from "../io.js";
import { CLI_SURFACE_NAMES } from "../surface-names.js";

const run = promisify(execFile);

/**
 * `video-maker demo`: a real video with no account and no network. It makes its own
 * sample media with ffmpeg, then goes through the same code paths as the tools (upload,
 * apply_edits, export) on the local backend, in a demo project of its own, and prints the
 * MP4's absolute path as the last line of stdout.
 */
export const demoCommand: Command = {
  name: "demo",
  usage: "demo [--out DIR]",
  summary: "make sample media and render a 17-second promo offline (no account needed)",
  details: "Makes three clips, a photo and music with ffmpeg, edits them with the local engine in a demo project of its own and renders the MP4. No account, no network. The file's path is the last line.",
  examples: ["video-maker demo", "video-maker demo --out ~/Videos"],
  async run(context) {
    const { io } = context;
    const home = join(context.config.home, "demo");
    const mediaDir = join(home, "media");
    // Inside the state folder: private like the rest of it, whatever the umask.
    await ensurePrivateDir(mediaDir);
    const say = (line: string) => {
      if (!context.json) io.err(line);
    };

    say("Making sample media with ffmpeg…");
    const media = await makeSampleMedia(context.config.ffmpegPath, mediaDir);

    const { LocalBackend } = await import("../../local/backend.js");
    const backend = new LocalBackend({ ...context.config, backend: "local", home }, { names: CLI_SURFACE_NAMES });
    const display = context.json ? undefined : progressDisplay(io);
    try {
      await backend.newSession("en", { signal: context.signal });
      const uploaded = await backend.upload({ paths: Object.values(media) }, { signal: context.signal });
      if (uploaded.rejected.length > 0) {
        throw new VideoMakerError("upstream", `The sample media could not be registered: ${uploaded.rejected.map((r) => r.reason).join("; ")}`);
      }
      say("Editing: three clips and a photo, transitions, titles and music…");
      const edit = await backend.applyEdits(DEMO_OPS, { signal: context.signal });
      say(edit.timeline);
      const result = await backend.exportVideo(
        { outputDir: context.options.out ?? context.config.outputDir, fileName: "video-maker-demo.mp4" },
        { signal: context.signal, ...(display ? { onProgress: display.update } : {}) },
      );
      display?.done();
      if (context.json) printJson(context, { file: result.file, bytes: result.bytes, timeline: edit.timeline });
      else io.out(result.file);
      return EXIT.ok;
    } finally {
      display?.done();
      await backend.close();
    }
  },
};

/** The demo's edit, written as a host would write it for apply_edits. */
export const DEMO_OPS: unknown[] = [
  { op: "set_format", aspect: "16:9", resolution: "1080p", fps: 30 },
  { op: "add_clip", media: "neon-grid.mp4" },
  { op: "add_image", media: "sunset.png", duration: 4, ken_burns: "zoom_in" },
  { op: "add_clip", media: "fractal.mp4" },
  { op: "add_clip", media: "life.mp4" },
  { op: "set_transition", all: true, type: "fade", duration: 0.7 },
  { op: "add_text", text: "video-maker", at: 0, duration: 3, position: "center", size: "huge" },
  { op: "add_text", text: "Made offline with ffmpeg", at: 4.5, duration: 3.5, position: "lower_third", box: true },
  { op: "add_text", text: "Your clips. Your story.", at: 13, duration: 3.5, position: "center", size: "large", colour: "#ffcc00" },
  { op: "add_audio", media: "music.m4a", volume: 0.5, fade_in: 1, fade_out: 2, loop: true, duck: true },
];

async function makeSampleMedia(ffmpeg: string, dir: string): Promise<Record<string, string>> {
  const files = {
    grid: join(dir, "neon-grid.mp4"),
    fractal: join(dir, "fractal.mp4"),
    life: join(dir, "life.mp4"),
    photo: join(dir, "sunset.png"),
    music: join(dir, "music.m4a"),
  };
  const base = ["-hide_banner", "-loglevel", "error", "-y"];
  const clip = ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"];
  const jobs: string[][] = [
    // A moving test pattern with its own sound, a fractal zoom and a cellular automaton without.
    [...base, "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=5", "-f", "lavfi", "-i", "sine=frequency=330:duration=5", "-shortest", ...clip, "-c:a", "aac", files.grid],
    [...base, "-f", "lavfi", "-i", "mandelbrot=size=1280x720:rate=30", "-t", "5", ...clip, files.fractal],
    [...base, "-f", "lavfi", "-i", "life=size=320x180:rate=30:mold=10:ratio=0.3:life_color=#40c0ff:death_color=#102040,scale=1280:720:flags=neighbor", "-t", "5", ...clip, files.life],
    [...base, "-f", "lavfi", "-i", "gradients=size=1600x1200:c0=#ff7e5f:c1=#2b1055:x0=0:y0=0:x1=1600:y1=1200:nb_colors=2", "-frames:v", "1", files.photo],
    // A soft major chord with a slow pulse: a music bed that loops cleanly.
    [
      ...base,
      "-f", "lavfi", "-i",
      "aevalsrc=(0.18*sin(2*PI*220*t)+0.14*sin(2*PI*277.18*t)+0.14*sin(2*PI*329.63*t))*(0.75+0.25*sin(2*PI*0.5*t)):s=48000:d=12",
      "-c:a", "aac", "-b:a", "128k", files.music,
    ],
  ];
  try {
    await Promise.all(jobs.map((args) => run(ffmpeg, args, { timeout: 120_000 })));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new VideoMakerError(
      "config",
      missing
        ? `ffmpeg was not found ("${ffmpeg}"). Install it (Debian/Ubuntu: apt-get install -y ffmpeg; macOS: brew install ffmpeg) or set FFMPEG_PATH.`
        : `ffmpeg could not make the sample media: ${String((error as { stderr?: string }).stderr ?? "").trim().split("\n").slice(-3).join(" ")}`,
    );
  }
  return files;
}
