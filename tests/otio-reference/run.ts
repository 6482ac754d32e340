/**
 * Hands documents of our OTIO writer to OpenTimelineIO's own C++ library (check.cpp, built from
 * OTIO's source, see README.md) and compares what OTIO computes with the engine's layout: every
 * document loads, the timeline and every track last plan.totalFrames, each transition's range in
 * its track is the engine's blend, and each clip with its handles lies inside its media.
 *
 *   npx tsx tests/otio-reference/run.ts /path/to/otio-check
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeOtio } from "../../src/local/project/otio.js";
import type { ProjectPlan } from "../../src/local/project/plan.js";
import { TRANSITION_ROWS, planOf } from "../support/otio-plans.js";

interface Seen {
  file: string;
  error: string | null;
  duration: number;
  tracks: Array<{ name: string; duration: number; transitions: Array<[number, number]>; clips: Array<{ name: string; inside: boolean }> }>;
}

function everything(): ProjectPlan {
  const plan = planOf(
    [
      { frames: 90, source: { path: "/home/ana/My Videos/take #2?.mp4", name: "take #2?.mp4" } },
      { frames: 90, overlap: 15, kind: "image", source: { path: "/media/café/Straße.jpg", name: "Straße.jpg" } },
      { frames: 60, overlap: 9, type: "wipeleft", sourceInFrame: 40 },
      { frames: 61, overlap: 20, type: "fadeblack", sourceInFrame: 3 },
    ],
    {},
    { num: 30000, den: 1001 },
  );
  plan.totalFrames += 30;
  plan.sources.push({ id: "media-9", name: "song.mp3", path: "/music/song.mp3", kind: "audio", durationMs: 3000, hasAudio: true });
  plan.sources.push({ id: "media-8", name: "logo.png", path: "/brand/logo.png", kind: "image", width: 400, height: 200, hasAudio: false });
  const piece = { sourceId: "media-9", volume: 0.4, fadeInFrames: 10, fadeOutFrames: 20, loop: true, ducked: true };
  plan.music = [{ ...piece, id: "audio-1", startFrame: 0, frames: 250, sourceInMs: 500 }, { ...piece, id: "audio-2", startFrame: 100, frames: 50, sourceInMs: 0, loop: false }];
  plan.logos = [{ id: "logo-1", sourceId: "media-8", startFrame: 0, frames: plan.totalFrames, position: "top_right", widthFraction: 0.1, opacity: 0.7 }];
  plan.texts = [
    { id: "text-1", kind: "title", text: 'Ana\'s "trip"\n2026 — 日本', startFrame: 0, frames: 60, position: "center", sizePx: 96, colour: "#ffffff", box: false },
    { id: "text-2", kind: "subtitle", text: "Hola, ¿qué tal?", startFrame: 100, frames: 50, position: "bottom", sizePx: 42, colour: "#ffee00", box: true },
  ];
  return plan;
}

const binary = process.argv[2];
if (!binary) throw new Error("usage: run.ts /path/to/otio-check");
const dir = mkdtempSync(join(tmpdir(), "otio-reference-"));
const plans: Array<[string, ProjectPlan]> = [...TRANSITION_ROWS.map((row): [string, ProjectPlan] => [row.name, planOf(row.clips)]), ["everything", everything()]];
const files = plans.map(([, plan], i) => {
  const file = join(dir, `plan-${i}.otio`);
  writeFileSync(file, writeOtio(plan));
  return file;
});

let output = "";
try {
  output = execFileSync(binary, files, { encoding: "utf8" });
} catch (error) {
  output = String((error as { stdout?: string }).stdout ?? "");
}
const seen = output.trim().split("\n").map((line) => JSON.parse(line) as Seen);
let failures = 0;
plans.forEach(([name, plan], i) => {
  const s = seen[i]!;
  const blends = plan.clips.filter((c, k) => k > 0 && c.transition && c.transition.frames > 0).map((c) => [c.startFrame, c.startFrame + c.transition!.frames]);
  const problems = [
    s.error ? `OTIO says: ${s.error}` : "",
    s.duration !== plan.totalFrames ? `timeline lasts ${s.duration}, not ${plan.totalFrames}` : "",
    ...s.tracks.map((t) => (t.duration !== plan.totalFrames ? `${t.name} lasts ${t.duration}` : "")),
    JSON.stringify(s.tracks[0]?.transitions) !== JSON.stringify(blends) ? `video transitions ${JSON.stringify(s.tracks[0]?.transitions)}, engine ${JSON.stringify(blends)}` : "",
    ...s.tracks.flatMap((t) => t.clips.filter((c) => !c.inside).map((c) => `${t.name}: ${c.name} outside its media`)),
  ].filter(Boolean);
  failures += problems.length > 0 ? 1 : 0;
  console.log(`${problems.length === 0 ? "ok  " : "FAIL"} ${name}: ${s.tracks.length} tracks, ${plan.totalFrames} frames${problems.length ? ` — ${problems.join("; ")}` : ""}`);
});
console.log(`${plans.length - failures} of ${plans.length} documents read by OTIO as the engine lays them out`);
process.exitCode = failures > 0 ? 1 : 0;
