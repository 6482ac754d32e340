/**
 * What looking at footage answers (the inspect_media tool, `video-maker inspect`), and the
 * text a person or a model reads of it. Pure: the measuring is the backends' business.
 */

/** What to look at: a file on this computer, a media item of the project, or the timeline. */
export type InspectTarget = { file: string } | { media: string } | { timeline: true };

export interface InspectOptions {
  /** At most this many tiles on the contact sheet. */
  maxTiles?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

export interface TimeSpan {
  startSeconds: number;
  endSeconds: number;
}

export interface InspectReport {
  /** The file's name, the media's name, or "the timeline". */
  subject: string;
  kind: "video" | "image" | "audio" | "timeline";
  durationSeconds?: number;
  width?: number;
  height?: number;
  fps?: number;
  rotation?: number;
  hasVideo: boolean;
  hasAudio: boolean;
  /** Where a new shot starts (scdet score 0–100). Not measured for the timeline. */
  scenes: { atSeconds: number; score: number }[];
  /** Pauses as remove_silence finds them, and the sound between them. */
  pauses: TimeSpan[];
  speech: TimeSpan[];
  /** EBU R128, over the whole file. */
  loudness?: { integratedLufs: number; truePeakDbtp: number; rangeLu: number };
  /** The contact sheet's tiles, in order: a time in the file, or a timeline segment. */
  tiles: { atSeconds: number; label: string; segment?: string }[];
  sheet?: { png: Buffer; width: number; height: number; columns: number; rows: number };
}

export const DEFAULT_MAX_TILES = 12;
export const MAX_TILES = 24;
/** Lists longer than this are cut in the text (the structured answer has them all). */
const LISTED = 40;

const t = (seconds: number): string => `${Math.round(seconds * 100) / 100}s`;
const span = (s: TimeSpan): string => `${t(s.startSeconds)}–${t(s.endSeconds)}`;
const db = (n: number): string => (Number.isFinite(n) ? (Math.round(n * 10) / 10).toFixed(1) : "-inf");

function listed<T>(items: readonly T[], show: (item: T) => string): string {
  const head = items.slice(0, LISTED).map(show).join(", ");
  return items.length > LISTED ? `${head}, … (${items.length - LISTED} more)` : head;
}

export interface DescribeOptions {
  /** The edit that cuts pauses where the reader has one ("remove_silence"); unnamed elsewhere. */
  pauseCut?: string;
}

/** The answer in words: facts, scenes, pauses, loudness, and what each tile shows. */
export function describeInspection(report: InspectReport, options: DescribeOptions = {}): string {
  const lines: string[] = [];
  const facts: string[] = [];
  if (report.durationSeconds !== undefined) facts.push(t(report.durationSeconds));
  if (report.width && report.height) facts.push(`${report.width}×${report.height}`);
  if (report.fps) facts.push(`${Math.round(report.fps * 100) / 100} fps`);
  if (report.rotation) facts.push(`turned ${report.rotation}°`);
  if (report.kind !== "timeline") facts.push(report.hasAudio ? "with sound" : "no sound");
  lines.push(report.kind === "timeline" ? `The timeline: ${facts.join(", ")}.` : `${report.subject} (${report.kind}): ${facts.join(", ")}.`);
  if (report.kind === "video") {
    lines.push(
      report.scenes.length === 0
        ? "Scene cuts: none found (one continuous shot)."
        : `Scene cuts (${report.scenes.length}): ${listed(report.scenes, (s) => t(s.atSeconds))}.`,
    );
  }
  if (report.hasAudio && report.kind !== "timeline") {
    lines.push(
      report.pauses.length === 0
        ? `Pauses: none${options.pauseCut ? ` (${options.pauseCut} would cut nothing)` : ""}.`
        : `Pauses (${report.pauses.length}${options.pauseCut ? `, what ${options.pauseCut} would cut` : ", silences of 0.5 s or more"}): ${listed(report.pauses, span)}.`,
    );
    if (report.speech.length > 0) lines.push(`Sound between them: ${listed(report.speech, span)}.`);
  }
  if (report.loudness) {
    lines.push(`Loudness: ${db(report.loudness.integratedLufs)} LUFS integrated, true peak ${db(report.loudness.truePeakDbtp)} dBTP, range ${db(report.loudness.rangeLu)} LU.`);
  }
  if (report.tiles.length > 0) {
    const what = report.kind === "timeline" ? "Storyboard" : "Contact sheet";
    lines.push(`${what} (${report.tiles.length} tiles, left to right, top to bottom): ${listed(report.tiles, (tile) => (tile.segment ? `${tile.segment} at ${t(tile.atSeconds)}` : t(tile.atSeconds)))}.`);
  }
  return lines.join("\n");
}
