import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Trace } from "../core/debug.js";
import { runFfmpeg } from "../local/ffmpeg.js";

/**
 * A contact sheet: one PNG of small labelled frames. Each frame is fetched by its own short
 * ffmpeg run (a seek, one decoded frame), so a sheet of a 20-minute file costs a dozen seeks,
 * not a second decode, and holds one decoder at a time. The last run lays the tiles out.
 */

export const TILE_WIDTH = 256;
export const TILE_HEIGHT = 144;
const GAP = 4;
const PER_FRAME_TIMEOUT_MS = 60_000;

export interface Tile {
  /** The file the frame comes from. */
  path: string;
  /** Where in that file; ignored for a still image. */
  atSeconds: number;
  /** Drawn on the tile: a time, or a segment id. */
  label: string;
  still?: boolean;
}

export interface SheetRequest {
  ffmpegPath: string;
  tiles: readonly Tile[];
  /** A font for the labels; without one the tiles go unlabelled (the text list still says the times). */
  fontFile?: string;
  signal?: AbortSignal;
  trace?: Trace;
}

export interface Sheet {
  png: Buffer;
  width: number;
  height: number;
  columns: number;
  rows: number;
}

export function sheetLayout(count: number): { columns: number; rows: number } {
  const columns = Math.max(1, Math.min(4, count));
  return { columns, rows: Math.max(1, Math.ceil(count / columns)) };
}

/** drawtext's value quoting: labels are ours (times, segment ids), but quote what it treats specially. */
function drawtextValue(text: string): string {
  return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "'\\\\\\''").replace(/:/g, "\\:").replace(/%/g, "\\%")}'`;
}

export function tileArgs(tile: Tile, outputPath: string, fontFile: string | undefined): string[] {
  // One pixel format for every tile: a change between two frames would restart the tile filter (a photo with alpha among video frames).
  const fit = `scale=${TILE_WIDTH}:${TILE_HEIGHT}:force_original_aspect_ratio=decrease,pad=${TILE_WIDTH}:${TILE_HEIGHT}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,format=rgb24`;
  const label = fontFile
    ? `,drawtext=fontfile=${drawtextValue(fontFile)}:text=${drawtextValue(tile.label)}:fontsize=18:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=4:x=6:y=h-th-10`
    : "";
  return [
    "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error",
    ...(tile.still ? [] : ["-ss", tile.atSeconds.toFixed(3)]),
    "-i", tile.path,
    "-map", "0:v:0", "-frames:v", "1",
    "-vf", `${fit}${label}`,
    "-c:v", "png", "-f", "image2", "-y", outputPath,
  ];
}

export async function contactSheet(request: SheetRequest): Promise<Sheet> {
  const workDir = await mkdtemp(join(tmpdir(), "video-maker-sheet-"));
  try {
    const options = { activity: "contact sheet", timeoutMs: PER_FRAME_TIMEOUT_MS, ...(request.signal ? { signal: request.signal } : {}), ...(request.trace ? { trace: request.trace } : {}) };
    const names: string[] = [];
    for (const [index, tile] of request.tiles.entries()) {
      const name = join(workDir, `tile-${String(index).padStart(3, "0")}.png`);
      await runFfmpeg(request.ffmpegPath, tileArgs(tile, name, request.fontFile), options);
      names.push(name);
    }
    const { columns, rows } = sheetLayout(names.length);
    const output = join(workDir, "sheet.png");
    await runFfmpeg(request.ffmpegPath, [
      "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error",
      "-framerate", "1", "-start_number", "0", "-i", join(workDir, "tile-%03d.png"),
      "-vf", `tile=${columns}x${rows}:padding=${GAP}:margin=${GAP}:color=0x202020`,
      "-frames:v", "1", "-c:v", "png", "-f", "image2", "-y", output,
    ], options);
    return {
      png: await readFile(output),
      width: columns * TILE_WIDTH + (columns - 1) * GAP + 2 * GAP,
      height: rows * TILE_HEIGHT + (rows - 1) * GAP + 2 * GAP,
      columns,
      rows,
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
