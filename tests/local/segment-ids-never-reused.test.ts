import { describe, expect, it } from "vitest";
import type { Draft } from "../../src/core/draft.js";
import { diffDrafts } from "../../src/core/diff.js";
import { applyOps } from "../../src/local/ops.js";
import { readTimeline } from "../../src/local/timeline.js";
import { fakeMedia } from "./fixtures.js";

// An id names one segment for the whole life of a project: a host that read "clip-3 was removed"
// must never find a different clip answering to clip-3 later (nor a piece's `pieceOf` pointing at it).
const MEDIA = [
  fakeMedia({ id: "media-1", name: "beach.mp4", duration_ms: 10_000 }),
  fakeMedia({ id: "media-4", name: "music.mp3", kind: "audio", duration_ms: 30_000, has_video: false }),
  fakeMedia({ id: "media-6", name: "logo.png", kind: "image", has_audio: false, width: 400, height: 200 }),
];

async function step(draft: Draft, ops: unknown[]): Promise<Draft> {
  return (await applyOps(draft, ops, MEDIA)).draft;
}

const ids = (draft: Draft): string[] => {
  const t = readTimeline(draft);
  return [...t.video, ...t.music, ...t.titles, ...t.logos].map((s) => s.id);
};

describe("segment ids are never given twice", () => {
  it.each([
    ["clip", { op: "add_clip", media: "beach.mp4", out: 2 }, "clip"],
    ["audio (its track is dropped when empty)", { op: "add_audio", media: "music.mp3" }, "audio"],
    ["text", { op: "add_text", text: "Hi", at: 0, duration: 1 }, "text"],
    ["logo", { op: "add_logo", media: "logo.png" }, "logo"],
  ])("%s: removing the newest and adding again gives a new id", async (_name, add, kind) => {
    let draft = await step({ t: [] }, [{ op: "add_clip", media: "beach.mp4", out: 4 }, add, add]);
    const newest = ids(draft).filter((id) => id.startsWith(`${kind}-`)).sort().at(-1)!;
    draft = await step(draft, [{ op: "remove", segment: newest }]);
    draft = await step(draft, [add]);
    const next = `${kind}-${Number(newest.split("-")[1]) + 1}`;
    expect(ids(draft)).toContain(next);
    expect(ids(draft)).not.toContain(newest);
  });

  it("within one batch too", async () => {
    const draft = await step({ t: [] }, [
      { op: "add_audio", media: "music.mp3" },
      { op: "remove", segment: "audio-1" },
      { op: "add_audio", media: "music.mp3" },
    ]);
    expect(ids(draft)).toEqual(["audio-2"]);
  });

  it("the bookkeeping is not reported as a change of the timeline's settings", async () => {
    const before = await step({ t: [] }, [{ op: "add_clip", media: "beach.mp4", out: 4 }]);
    const after = await step(before, [{ op: "add_clip", media: "beach.mp4", out: 2 }]);
    expect(diffDrafts(before, after).join("\n")).not.toMatch(/settings/i);
  });

  it("a damaged record of given ids is ignored, never a refusal", async () => {
    const draft = await step({ t: [], m: { _ids: "nonsense" } } as Draft, [{ op: "add_clip", media: "beach.mp4", out: 4 }]);
    expect(ids(draft)).toEqual(["clip-1"]);
  });
});
