import { describe, expect, it } from "vitest";
import type { StateResult, UploadResult } from "../../src/core/backend.js";
import { stateToWire, uploadResultToWire } from "../../src/core/wire.js";

/**
 * What MCP clients (structuredContent) and scripts (--json) read is snake_case, with its keys
 * in the order they have always come: compared as text, not as objects.
 */
describe("the snake_case shapes", () => {
  it("spells an upload's media with duration_s, leaving out what is unknown", () => {
    const result: UploadResult = {
      uploaded: [
        { name: "city.mp4", type: "video", durationSeconds: 10.5, width: 1920, height: 1080 },
        { name: "logo.png", type: "image", width: 512, height: 512 },
        { name: "song.mp3", type: "audio", durationSeconds: 30 },
      ],
      rejected: [{ input: "/nope.mp4", reason: "No file exists at /nope.mp4." }],
    };
    expect(JSON.stringify(uploadResultToWire(result))).toBe(
      JSON.stringify({
        uploaded: [
          { name: "city.mp4", type: "video", duration_s: 10.5, width: 1920, height: 1080 },
          { name: "logo.png", type: "image", width: 512, height: 512 },
          { name: "song.mp3", type: "audio", duration_s: 30 },
        ],
        rejected: [{ input: "/nope.mp4", reason: "No file exists at /nope.mp4." }],
      }),
    );
  });

  it("spells the state with session_id, start_s/end_s and the media's id and url, without the draft", () => {
    const state: StateResult = {
      sessionId: "s-1",
      timeline: 'Timeline (1 track): 1. Video: city (0-10s)',
      tracks: [{ index: 1, type: "video", segments: 1, startSeconds: 0, endSeconds: 10, label: "Video: city (0-10s)" }],
      media: [
        { id: "media-1", name: "city.mp4", type: "video", durationSeconds: 10, width: 1920, height: 1080, url: "file:///city.mp4" },
        { name: "song.mp3", type: "audio", url: "https://cdn.example/song.mp3" },
      ],
      draft: { t: [] },
    };
    expect(JSON.stringify(stateToWire(state))).toBe(
      JSON.stringify({
        session_id: "s-1",
        timeline: 'Timeline (1 track): 1. Video: city (0-10s)',
        tracks: [{ index: 1, type: "video", segments: 1, start_s: 0, end_s: 10, label: "Video: city (0-10s)" }],
        media: [
          { id: "media-1", name: "city.mp4", type: "video", duration_s: 10, width: 1920, height: 1080, url: "file:///city.mp4" },
          { name: "song.mp3", type: "audio", url: "https://cdn.example/song.mp3" },
        ],
      }),
    );
  });
});
