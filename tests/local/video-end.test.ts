import { describe, expect, it } from "vitest";
import type { Draft } from "../../src/core/draft.js";
import { type OpHelpers, applyOps } from "../../src/local/ops.js";
import { readTimeline } from "../../src/local/timeline.js";
import { fakeMedia } from "./fixtures.js";

/**
 * Texts, logos and subtitles never run past the end of the video: whatever op changed the
 * length, the batch ends with them clipped to it, each with a note. One that starts at or
 * after the end is kept as it is, with the warning that it will not be seen.
 */

const MEDIA = [
  fakeMedia({ id: "media-1", name: "beach.mp4", duration_ms: 10_000 }),
  fakeMedia({ id: "media-2", name: "talk.mp4", duration_ms: 20_000 }),
  fakeMedia({ id: "media-3", name: "photo.jpg", kind: "image", has_audio: false }),
  fakeMedia({ id: "media-4", name: "logo.png", kind: "image", has_audio: false }),
];

const EMPTY: Draft = { t: [] };

const helpers: OpHelpers = {
  readTextFile: async () => "1\n00:00:08,000 --> 00:00:11,000\nAcross the end\n\n2\n00:00:12,000 --> 00:00:13,000\nAfter it\n\n3\n00:00:14,000 --> 00:00:15,000\nLater still\n",
  // talk.mp4: 5.4 s of pauses are cut (see ops.test.ts), 20 s → 14.6 s.
  detectSilence: async () => [
    { startMs: 0, endMs: 1000 },
    { startMs: 5000, endMs: 8000 },
    { startMs: 18_000, endMs: 20_000 },
  ],
};

async function apply(ops: unknown[], draft: Draft = EMPTY) {
  const result = await applyOps(draft, ops, MEDIA, helpers);
  return { ...result, timeline: readTimeline(result.draft) };
}

const ends = (segments: ReadonlyArray<{ id: string; startMs: number; durationMs: number }>) =>
  segments.map((s) => [s.id, s.startMs, s.startMs + s.durationMs]);

describe("overlays past the end of the video", () => {
  it("an end card moved to 55 s of a 60 s video ends at 60 s, and says so", async () => {
    const built = await apply([
      { op: "add_image", media: "photo.jpg", duration: 60 },
      { op: "add_text", text: "See you", at: 50, duration: 5.7 },
    ]);
    const { timeline, notes, draft } = await apply([{ op: "move", segment: "text-1", at: 55 }], built.draft);
    expect(ends(timeline.titles)).toEqual([["text-1", 55_000, 60_000]]);
    expect(notes).toContain("text-1 now ends at 60 s, the end of the video (it ran to 60.7 s).");
    // Clipped once: the next batch has nothing to say about it.
    const again = await apply([{ op: "set_format", fps: 25 }], draft);
    expect(again.notes.filter((n) => n.includes("end of the video"))).toEqual([]);
  });

  it("after remove: texts, fixed logos and subtitles are clipped; one that starts after the end is kept, with a warning", async () => {
    const built = await apply([
      { op: "add_clip", media: "beach.mp4" },
      { op: "add_clip", media: "talk.mp4" },
      { op: "add_text", text: "Across", at: 5, duration: 8 },
      { op: "add_text", text: "Inside", at: 1, duration: 2 },
      { op: "add_text", text: "Later", at: 15, duration: 2 },
      { op: "add_logo", media: "logo.png", at: 8, duration: 4 },
      { op: "add_logo", media: "logo.png" },
      { op: "add_subtitles", file: "/subs/talk.srt" },
    ]);
    const { timeline, notes } = await apply([{ op: "remove", segment: "clip-2" }], built.draft);
    expect(ends(timeline.titles)).toEqual([["text-2", 1000, 3000], ["text-1", 5000, 10_000], ["text-3", 15_000, 17_000]]);
    expect(ends(timeline.logos)).toEqual([["logo-2", 0, 10_000], ["logo-1", 8000, 10_000]]);
    expect(ends(timeline.subtitles)).toEqual([["sub-1", 8000, 10_000], ["sub-2", 12_000, 13_000], ["sub-3", 14_000, 15_000]]);
    expect(notes).toEqual([
      "text-1 now ends at 10 s, the end of the video (it ran to 13 s).",
      "logo-1 now ends at 10 s, the end of the video (it ran to 12 s).",
      "sub-1 now ends at 10 s, the end of the video (it ran to 11 s).",
      'text-3 starts at 15s, after the video ends (10s), so it will not be seen; move it with {"op":"move","segment":"text-3","at":…}.',
      "2 subtitles (sub-2, sub-3) start after the video ends (10s), so they will not be seen.",
    ]);
  });

  it("after trim, fit_duration and remove_silence", async () => {
    const trimmed = await apply([
      { op: "add_clip", media: "talk.mp4" },
      { op: "add_text", text: "Late", at: 12, duration: 6 },
      { op: "trim", segment: "clip-1", out: 15 },
    ]);
    expect(ends(trimmed.timeline.titles)).toEqual([["text-1", 12_000, 15_000]]);
    expect(trimmed.notes).toContain("text-1 now ends at 15 s, the end of the video (it ran to 18 s).");

    // An end card past a 10 s end, then fit to 20 s: it moves with the clips to 16–24 s.
    const fitted = await apply([
      { op: "add_image", media: "photo.jpg", duration: 10 },
      { op: "add_text", text: "End card", at: 8, duration: 4 },
      { op: "fit_duration", seconds: 20 },
    ]);
    expect(ends(fitted.timeline.titles)).toEqual([["text-1", 16_000, 20_000]]);
    expect(fitted.notes).toContain("text-1 now ends at 20 s, the end of the video (it ran to 24 s).");

    const cut = await apply([
      { op: "add_clip", media: "talk.mp4" },
      { op: "add_text", text: "Outro", at: 12, duration: 5 },
      { op: "add_logo", media: "logo.png", at: 10, duration: 8 },
      { op: "remove_silence" },
    ]);
    expect(cut.draft.d).toBe(14_600);
    expect(ends(cut.timeline.titles)).toEqual([["text-1", 12_000, 14_600]]);
    expect(ends(cut.timeline.logos)).toEqual([["logo-1", 10_000, 14_600]]);
    expect(cut.notes).toContain("text-1 now ends at 14.6 s, the end of the video (it ran to 17 s).");
    expect(cut.notes).toContain("logo-1 now ends at 14.6 s, the end of the video (it ran to 18 s).");
  });

  it("judges the end of the batch, not each op: a text past the end that later clips cover stays whole", async () => {
    const { timeline, notes } = await apply([
      { op: "add_clip", media: "beach.mp4" },
      { op: "add_text", text: "Bridge", at: 8, duration: 5 },
      { op: "add_clip", media: "talk.mp4" },
    ]);
    expect(ends(timeline.titles)).toEqual([["text-1", 8000, 13_000]]);
    expect(notes.filter((n) => n.includes("end of the video"))).toEqual([]);
  });

  it("leaves a timeline without clips alone: its texts make its length", async () => {
    const { timeline, notes, draft } = await apply([{ op: "add_text", text: "Only text", at: 2, duration: 5 }]);
    expect(ends(timeline.titles)).toEqual([["text-1", 2000, 7000]]);
    expect(draft.d).toBe(7000);
    expect(notes).toEqual([]);
  });
});
