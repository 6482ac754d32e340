// bench/render: the media the sweep renders (made with ffmpeg, never downloaded) and the edits,
// one per case, written as a host would send them to apply_edits.
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The full sweep and its small CI version differ only in these numbers. */
export function params(smoke) {
  return smoke
    ? { resolution: 360, scale: 1 / 4, clipSeconds: 10, loops: 4, shotEvery: 1, photoSeconds: 1.3, transition: 0.3, musicSeconds: 8, recording: { seconds: 120, period: 1.2, pause: 0.8 } }
    : { resolution: 1080, scale: 1, clipSeconds: 10, loops: 4, shotEvery: 4, photoSeconds: 4.6, transition: 0.6, musicSeconds: 45, recording: { seconds: 1200, period: 8, pause: 1.77 } };
}

const x264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"];

/** Eight clips from different sources, sizes and rates, five with sound, one a phone's portrait clip; four photos; music. */
function sources(P) {
  const even = (n) => Math.max(2, Math.round((n * P.scale) / 2) * 2);
  const size = (w, h) => `${even(w)}x${even(h)}`;
  const d = P.clipSeconds;
  const tone = (hz, rate = 48000) => ["-f", "lavfi", "-i", `sine=frequency=${hz}:sample_rate=${rate}:duration=${d}`];
  const clips = [
    { name: "city.mp4", args: ["-f", "lavfi", "-i", `testsrc2=size=${size(1920, 1080)}:rate=30:duration=${d}`, ...tone(440), "-shortest", ...x264, "-c:a", "aac", "-ac", "2"] },
    { name: "fractal.mp4", args: ["-f", "lavfi", "-i", `mandelbrot=size=${size(1280, 720)}:rate=25`, "-t", String(d), ...x264] },
    { name: "bars.mp4", args: ["-f", "lavfi", "-i", `smptehdbars=size=${size(1920, 1080)}:rate=30000/1001:duration=${d}`, ...tone(523, 44100), "-shortest", ...x264, "-c:a", "aac"] },
    // Stored landscape with a rotate tag, like a phone's portrait recording (shown 1080x1920); remuxed below.
    { name: "phone-raw.mp4", args: ["-f", "lavfi", "-i", `testsrc=size=${size(1920, 1080)}:rate=30:duration=${d}`, ...tone(330), "-shortest", ...x264, "-c:a", "aac"] },
    { name: "life.mp4", args: ["-f", "lavfi", "-i", `life=size=${size(640, 480)}:rate=24:mold=10:ratio=0.3:life_color=#40c0ff:death_color=#102040`, "-t", String(d), ...x264] },
    { name: "fast.mp4", args: ["-f", "lavfi", "-i", `testsrc2=size=${size(2560, 1440)}:rate=60:duration=${d}`, ...tone(660), "-shortest", ...x264, "-c:a", "aac"] },
    { name: "sunrise.mp4", args: ["-f", "lavfi", "-i", `gradients=size=${size(1920, 1080)}:rate=30:speed=0.02:duration=${d}`, ...x264] },
    { name: "tv.mp4", args: ["-f", "lavfi", "-i", `testsrc=size=${size(960, 720)}:rate=50:duration=${d}`, ...tone(880), "-shortest", ...x264, "-c:a", "aac"] },
  ];
  const photos = [
    { name: "landscape.jpg", args: ["-f", "lavfi", "-i", `gradients=size=${size(4000, 3000)}:c0=#ff7e5f:c1=#2b1055:c2=#feb47b:nb_colors=3`, "-frames:v", "1", "-q:v", "3"] },
    { name: "portrait.png", args: ["-f", "lavfi", "-i", `mandelbrot=size=${size(1080, 1920)}:start_scale=1.5`, "-frames:v", "1"] },
    { name: "square.jpg", args: ["-f", "lavfi", "-i", `testsrc2=size=${size(1600, 1600)}`, "-frames:v", "1", "-q:v", "3"] },
    { name: "panorama.jpg", args: ["-f", "lavfi", "-i", `gradients=size=${size(3000, 1000)}:c0=#0f2027:c1=#2c5364:c2=#a8e063:x0=0:y0=0:nb_colors=3`, "-frames:v", "1", "-q:v", "3"] },
  ];
  const chord = "(0.18*sin(2*PI*220*t)+0.14*sin(2*PI*277.18*t)+0.14*sin(2*PI*329.63*t))*(0.75+0.25*sin(2*PI*0.5*t))";
  const music = { name: "music.m4a", args: ["-f", "lavfi", "-i", `aevalsrc=${chord}|${chord}:s=44100:d=${P.musicSeconds}`, "-c:a", "aac", "-b:a", "160k"] };
  return { clips, photos, music, size };
}

export const CLIP_NAMES = ["city.mp4", "fractal.mp4", "bars.mp4", "phone.mp4", "life.mp4", "fast.mp4", "sunrise.mp4", "tv.mp4"];
export const PHOTO_NAMES = ["landscape.jpg", "portrait.png", "square.jpg", "panorama.jpg"];
/** The long versions of the clips (the same footage looped) that the promos take their shots from. */
export const longName = (clip) => clip.replace(".mp4", "-long.mp4");

async function ffmpeg(bin, args) {
  await run(bin, ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args], { maxBuffer: 16 * 1024 * 1024 });
}

/** Makes every file the sweep needs in `dir`; two ffmpeg at a time (these machines have few cores). */
export async function makeMedia(bin, dir, P) {
  const at = (name) => join(dir, name);
  const { clips, photos, music, size } = sources(P);
  const R = P.recording;
  // A recording: the same minute of testsrc2 over and over (copied, not re-encoded) and a voice
  // (a tone) that pauses for R.pause seconds every R.period seconds, starting R.period / 2 in.
  const minute = ["-f", "lavfi", "-i", `testsrc2=size=${size(1920, 1080)}:rate=30:duration=60`, "-c:v", "libx264", "-preset", "veryfast", "-crf", "28", "-pix_fmt", "yuv420p"];
  const half = R.period / 2;
  // Quoted: the expression's commas would otherwise split the lavfi graph.
  const voice = `'if(between(mod(t-${half},${R.period}),0,${R.pause})*gte(t,${half}),0,0.4*sin(2*PI*300*t))'`;
  const jobs = [
    ...[...clips, ...photos, music].map((m) => () => ffmpeg(bin, [...m.args, at(m.name)])),
    () => ffmpeg(bin, [...minute, at("minute.mp4")]),
    () => ffmpeg(bin, ["-f", "lavfi", "-i", `aevalsrc=${voice}:s=48000:d=${R.seconds}`, "-c:a", "aac", "-b:a", "96k", at("voice.m4a")]),
  ];
  await Promise.all([0, 1].map(async () => {
    while (jobs.length > 0) await jobs.shift()();
  }));
  // ffmpeg 5.1 turns a `rotate` tag into a display matrix when it remuxes.
  await ffmpeg(bin, ["-i", at("phone-raw.mp4"), "-c", "copy", "-metadata:s:v:0", "rotate=90", at("phone.mp4")]);
  await rm(at("phone-raw.mp4"));
  for (const clip of CLIP_NAMES) await ffmpeg(bin, ["-stream_loop", String(P.loops - 1), "-i", at(clip), "-c", "copy", at(longName(clip))]);
  const loops = Math.ceil(R.seconds / 60);
  await ffmpeg(bin, ["-stream_loop", String(loops - 1), "-i", at("minute.mp4"), "-i", at("voice.m4a"), "-map", "0:v", "-map", "1:a", "-c", "copy", "-t", String(R.seconds), at("recording.mp4")]);
  await rm(at("minute.mp4"));
  await rm(at("voice.m4a"));
}

const FORMAT = (P) => ({ op: "set_format", aspect: "16:9", resolution: P.resolution, fps: 30 });

/**
 * `n` cuts over `seconds`, round robin over the eight clips; each clip's shots follow its
 * footage in order (a montage walking through every clip), spread over all of it.
 */
function cuts(P, n, seconds) {
  const length = seconds / n;
  const perClip = Math.ceil(n / CLIP_NAMES.length);
  const span = P.clipSeconds - 0.2 - length;
  const ops = [FORMAT(P)];
  for (let k = 0; k < n; k++) {
    const j = Math.floor(k / CLIP_NAMES.length);
    const from = 0.1 + (perClip > 1 ? (span * j) / (perClip - 1) : 0);
    ops.push({ op: "add_clip", media: CLIP_NAMES[k % CLIP_NAMES.length], in: Number(from.toFixed(3)), out: Number((from + length).toFixed(3)) });
  }
  return ops;
}

const TRANSITION_TYPES = ["fade", "dissolve", "fade", "wipeleft", "fade", "slideleft", "fade", "circleopen", "fade", "fadeblack", "fade"];
const TITLES = ["Meet the new Aurora", "Built for speed", "Shot on any phone", 'Made in "the lab": 100% offline', "Loved by teams", "Try it today"];
const KEN_BURNS = ["zoom_in", undefined, "pan_right", "zoom_out"];

/**
 * A promo as a host would write it: a shot every ~4 s (1 s in the smoke run) (clips from their long versions, each
 * use further into the footage, and photos with Ken Burns), a transition at every join, a
 * title every 10 s, ducked music, fitted to `seconds`.
 */
export function promo(P, seconds) {
  const n = Math.max(3, Math.round(seconds / P.shotEvery));
  const shot = P.photoSeconds;
  const ops = [FORMAT(P)];
  const uses = new Map();
  for (let k = 0; k < n; k++) {
    const item = k % 12;
    const isPhoto = [2, 5, 8, 11].includes(item);
    if (isPhoto) {
      const p = [2, 5, 8, 11].indexOf(item);
      ops.push({ op: "add_image", media: PHOTO_NAMES[p], duration: shot, ...(KEN_BURNS[p] ? { ken_burns: KEN_BURNS[p] } : {}) });
    } else {
      const clip = CLIP_NAMES[[0, 1, 3, 4, 6, 7, 9, 10].indexOf(item)];
      const u = uses.get(clip) ?? 0;
      uses.set(clip, u + 1);
      const from = 0.5 + u * (shot + 0.4);
      ops.push({ op: "add_clip", media: longName(clip), in: Number(from.toFixed(3)), out: Number((from + shot).toFixed(3)), ...(clip === "tv.mp4" ? { fit: "contain" } : {}) });
    }
  }
  ops.push({ op: "set_transition", all: true, type: "fade", duration: P.transition });
  for (let k = 1; k < n; k++) {
    if (TRANSITION_TYPES[k % 11] !== "fade") ops.push({ op: "set_transition", after: k, type: TRANSITION_TYPES[k % 11], duration: P.transition });
  }
  ops.push({ op: "fit_duration", seconds });
  for (let at = 0, i = 0; at < seconds - 1; at += 10, i++) {
    ops.push({ op: "add_text", text: TITLES[i % TITLES.length], at, duration: Math.min(2.5, seconds - at), position: i % 2 ? "lower_third" : "center", box: i % 2 === 1 });
  }
  ops.push({ op: "add_audio", media: "music.m4a", volume: 0.6, fade_in: 1.5, fade_out: 3, loop: true, duck: true });
  return ops;
}

/** The recording with its pauses cut. */
function pauseCut(P) {
  return [FORMAT(P), { op: "add_clip", media: "recording.mp4" }, { op: "remove_silence" }];
}

/** The cases of the sweep; `base` is the one every cost is compared with. */
export function cases(P, smoke) {
  const all = [...CLIP_NAMES, ...CLIP_NAMES.map(longName), ...PHOTO_NAMES, "music.m4a"];
  if (smoke) {
    return [
      { name: "cuts-8", seconds: 10, ops: cuts(P, 8, 10), media: CLIP_NAMES, base: true },
      { name: "promo-10", seconds: 10, ops: promo(P, 10), media: all, preview: true },
      { name: "pause-cut", seconds: null, ops: pauseCut(P), media: ["recording.mp4"], memoryGate: true },
    ];
  }
  return [
    { name: "cuts-8", seconds: 60, ops: cuts(P, 8, 60), media: CLIP_NAMES, base: true },
    { name: "cuts-50", seconds: 60, ops: cuts(P, 50, 60), media: CLIP_NAMES },
    { name: "cuts-200", seconds: 60, ops: cuts(P, 200, 60), media: CLIP_NAMES },
    { name: "promo-15", seconds: 15, ops: promo(P, 15), media: all },
    // The studio's preview rendition of the same timeline, right after its export (issue 13); and the
    // same export with loudness "off" after each run, for what delivering at -14 LUFS costs (issue 18).
    { name: "promo-60", seconds: 60, ops: promo(P, 60), media: all, preview: true, loudnessAB: true },
    { name: "promo-300", seconds: 300, ops: promo(P, 300), media: all },
    { name: "pause-cut", seconds: null, ops: pauseCut(P), media: ["recording.mp4"] },
  ];
}
