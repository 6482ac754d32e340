import { VideoMakerError } from "../core/errors.js";
import { filter } from "./filtergraph.js";
import { framesToMs } from "./format.js";
import type { AudioSegment } from "./timeline.js";
import { AUDIO_FORMAT, type Compilation, SAMPLE_RATE, msText, trimNumber } from "./compile-context.js";

/**
 * Music and other audio over the clips' own sound: each piece trimmed, faded and delayed to
 * its place; pieces marked `duckUnderClips` are pressed down (sidechaincompress) whenever the clips
 * make sound. amix runs with normalize=0 so volumes stay what was asked for.
 */
export function mixMusic(c: Compilation, clipAudio: string, music: AudioSegment[], totalFrames: number): string {
  const totalMs = framesToMs(totalFrames, c.rate);
  const total = c.seconds(totalFrames);
  const pieces = music.filter((m) => m.startMs < totalMs);
  if (pieces.length === 0) return clipAudio;

  const ducked: string[] = [];
  const plain: string[] = [];
  for (const piece of pieces) {
    (piece.duckUnderClips ? ducked : plain).push(musicPiece(c, piece, totalMs));
  }

  c.use("amix", "amix-normalize", "apad", "atrim");
  const mixGroup = (labels: string[]): string => {
    const out = c.graph.label("mg");
    const chain = labels.length > 1 ? [filter("amix", { inputs: labels.length, normalize: 0, duration: "longest" })] : ["anull"];
    c.graph.add(labels, [...chain, filter("apad", { whole_dur: total }), filter("atrim", { duration: total })], [out]);
    return out;
  };

  const layers: string[] = [];
  let clipMain = clipAudio;
  if (ducked.length > 0) {
    c.use("sidechaincompress");
    const [mainCopy, sideCopy, duckedOut] = [c.graph.label("am"), c.graph.label("sc"), c.graph.label("dk")];
    c.graph.add([clipAudio], "asplit=2", [mainCopy, sideCopy]);
    clipMain = mainCopy;
    c.graph.add(
      [mixGroup(ducked), sideCopy],
      filter("sidechaincompress", { threshold: 0.02, ratio: 8, attack: 20, release: 400 }),
      [duckedOut],
    );
    layers.push(duckedOut);
  }
  if (plain.length > 0) layers.push(mixGroup(plain));

  const out = c.graph.label("aout");
  c.graph.add([clipMain, ...layers], [filter("amix", { inputs: layers.length + 1, normalize: 0, duration: "first" }), filter("atrim", { duration: total })], [out]);
  return out;
}

function musicPiece(c: Compilation, piece: AudioSegment, totalMs: number): string {
  const lengthMs = Math.max(1, Math.min(piece.durationMs, totalMs - piece.startMs));
  const seconds = msText(lengthMs);
  const inputArgs: string[] = [];
  if (piece.loop) inputArgs.push("-stream_loop", "-1");
  if (piece.sourceInMs > 0) inputArgs.push("-ss", msText(piece.sourceInMs));
  inputArgs.push("-t", seconds);
  const source = c.mediaFor(piece.id, piece.mediaId);
  if (!source.has_audio) {
    throw new VideoMakerError("invalid_input", `${piece.id} uses "${source.name}", which has no sound. Remove it or pick an audio file.`);
  }
  const index = c.addInput([...inputArgs, "-i", source.path]);
  const chain = ["asetpts=PTS-STARTPTS", `aresample=${SAMPLE_RATE}`, AUDIO_FORMAT, filter("atrim", { duration: seconds })];
  if (piece.volume !== 1) {
    c.use("volume");
    chain.push(filter("volume", { volume: trimNumber(piece.volume) }));
  }
  const fadeIn = Math.min(piece.fadeInMs, lengthMs);
  const fadeOut = Math.min(piece.fadeOutMs, lengthMs - fadeIn);
  if (fadeIn > 0) chain.push(filter("afade", { t: "in", st: 0, d: msText(fadeIn) }));
  if (fadeOut > 0) chain.push(filter("afade", { t: "out", st: msText(lengthMs - fadeOut), d: msText(fadeOut) }));
  if (fadeIn > 0 || fadeOut > 0) c.use("afade");
  if (piece.startMs > 0) {
    c.use("adelay");
    chain.push(filter("adelay", { delays: Math.round(piece.startMs), all: 1 }));
  }
  const out = c.graph.label("m");
  c.graph.add([`${index}:a:0`], chain, [out]);
  return out;
}
