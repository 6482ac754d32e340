import type { Draft } from "../core/draft.js";
import { summarizeTimeline } from "../core/summary.js";
import { placedSubtitles } from "./subtitle-anchor.js";
import { readTimeline, writeTimeline } from "./timeline.js";

/**
 * The core's one-line summary of the timeline as it will be seen: subtitles that follow a clip
 * where they show (once per part; hidden ones left out), not where the draft last noted them.
 * A draft the engine cannot read is summarised as it is (the next edit says what is wrong).
 */
export function summarizeAsShown(draft: Draft): string {
  let shown = draft;
  try {
    const timeline = readTimeline(draft);
    timeline.subtitles = placedSubtitles(timeline);
    shown = { ...draft, ...writeTimeline(timeline) };
  } catch {
    // summarised as it is
  }
  return summarizeTimeline(shown);
}
