import type { InspectOptions, InspectReport } from "../core/inspect.js";
import { DEFAULT_MAX_TILES } from "../core/inspect.js";
import type { Trace } from "../core/debug.js";
import { labelFont } from "../inspect/inspect-file.js";
import { type Tile, contactSheet } from "../inspect/sheet.js";
import type { MediaFacts } from "./media.js";
import { type LocalTimeline, videoEndMs } from "./timeline.js";

/**
 * The timeline as a storyboard: a tile per picture segment, the source frame at its middle,
 * labelled with the segment's id so a model can name what it wants changed. Frames come from
 * the sources (a seek each), not from a render: titles and transitions are not drawn on them.
 */

export interface StoryboardTile extends Tile {
  segment: string;
  /** Where on the timeline the tile's moment is. */
  timelineSeconds: number;
}

/** Pure: the tiles, at most `maxTiles` (evenly chosen when there are more segments). */
export function storyboardTiles(timeline: LocalTimeline, media: readonly MediaFacts[], maxTiles = DEFAULT_MAX_TILES): StoryboardTile[] {
  const byId = new Map(media.map((m) => [m.id, m]));
  const all: StoryboardTile[] = [];
  for (const segment of timeline.video) {
    const source = byId.get(segment.mediaId);
    if (!source?.has_video) continue;
    const middleMs = segment.durationMs / 2;
    all.push({
      path: source.path,
      atSeconds: (segment.sourceInMs + middleMs) / 1000,
      still: source.kind === "image",
      label: segment.id,
      segment: segment.id,
      timelineSeconds: Math.round(segment.startMs + middleMs) / 1000,
    });
  }
  if (all.length <= maxTiles) return all;
  return Array.from({ length: maxTiles }, (_, i) => all[Math.round((i * (all.length - 1)) / (maxTiles - 1))]!);
}

export async function storyboard(
  request: { ffmpegPath: string; timeline: LocalTimeline; media: readonly MediaFacts[]; trace?: Trace },
  options: InspectOptions = {},
): Promise<InspectReport> {
  const tiles = storyboardTiles(request.timeline, request.media, options.maxTiles);
  const sheet = tiles.length > 0
    ? await contactSheet({
        ffmpegPath: request.ffmpegPath, tiles, ...(await labelFont()),
        ...(options.signal ? { signal: options.signal } : {}), ...(request.trace ? { trace: request.trace } : {}),
      })
    : undefined;
  return {
    subject: "the timeline",
    kind: "timeline",
    durationSeconds: videoEndMs(request.timeline) / 1000,
    hasVideo: tiles.length > 0,
    hasAudio: request.timeline.music.length > 0 || request.timeline.video.some((s) => request.media.find((m) => m.id === s.mediaId)?.has_audio === true),
    scenes: [],
    pauses: [],
    speech: [],
    tiles: tiles.map((tile) => ({ atSeconds: tile.timelineSeconds, label: tile.label, segment: tile.segment })),
    ...(sheet ? { sheet } : {}),
  };
}
