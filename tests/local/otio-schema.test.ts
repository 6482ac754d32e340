import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { clip, externalReference, gap, stack, timeRange, timeline, track, transition } from "../../src/local/project/otio-objects.js";
import { otioTimeline, schemaProblems } from "../support/otio-schema.js";
import { semanticProblems } from "../support/otio-semantics.js";

/**
 * The checkers the writer's tests rely on, proven first against real OTIO documents (OTIO's own
 * sample files, see tests/fixtures/otio/README.md) and then against broken ones, so a writer
 * that passes them passes something that can fail.
 */

const sample = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../fixtures/otio/${name}.otio`, import.meta.url), "utf8")) as Record<string, unknown>;

/** The first object (depth first) with this OTIO_SCHEMA, to break it. */
function first(value: unknown, schema: string): Record<string, unknown> {
  const found = find(value, schema);
  if (!found) throw new Error(`no ${schema}`);
  return found;
}

function find(value: unknown, schema: string): Record<string, unknown> | undefined {
  if (Array.isArray(value)) return value.map((v) => find(v, schema)).find(Boolean);
  if (value === null || typeof value !== "object") return undefined;
  const record = value as Record<string, unknown>;
  if (record.OTIO_SCHEMA === schema) return record;
  return Object.values(record).map((v) => find(v, schema)).find(Boolean);
}

describe("the schema checker", () => {
  it.each(["screening_example", "premiere_example"])("passes OTIO's own %s.otio", (name) => {
    expect(schemaProblems(sample(name))).toEqual([]);
  });

  it.each([
    { name: "an ExternalReference without its target_url", file: "premiere_example", breaks: (d: unknown) => delete first(d, "ExternalReference.1").target_url, says: /target_url/ },
    { name: "a field no schema lists", file: "premiere_example", breaks: (d: unknown) => (first(d, "Transition.1").parameters = {}), says: /parameters/ },
    { name: "a rate written as text", file: "screening_example", breaks: (d: unknown) => (first(d, "RationalTime.1").rate = "24"), says: /rate/ },
    { name: "a track kind OTIO does not name", file: "screening_example", breaks: (d: unknown) => (first(d, "Track.1").kind = "video"), says: /kind/ },
    { name: "a track without children", file: "screening_example", breaks: (d: unknown) => delete first(d, "Track.1").children, says: /children/ },
    { name: "a clip without media_references", file: "screening_example", breaks: (d: unknown) => delete first(d, "Clip.2").media_references, says: /media_references/ },
    { name: "a marker colour that is not a MarkerColor name", file: "premiere_example", breaks: (d: unknown) => (first(d, "Marker.2").color = "SCARLET"), says: /color/ },
    { name: "a Marker.3 (0.19's, newer than the readers we target)", file: "premiere_example", breaks: (d: unknown) => (first(d, "Marker.2").OTIO_SCHEMA = "Marker.3"), says: /markers/ },
    { name: "a transition type outside Transition::Type", file: "premiere_example", breaks: (d: unknown) => (first(d, "Transition.1").transition_type = "Wipe"), says: /transition_type/ },
    { name: "a marker without its range", file: "screening_example", breaks: (d: unknown) => delete first(d, "Marker.2").marked_range, says: /marked_range/ },
  ])("fails $name", ({ file, breaks, says }) => {
    const doc = sample(file);
    breaks(doc);
    const problems = schemaProblems(doc);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join("\n")).toMatch(says);
  });
});

describe("the semantic checker", () => {
  const rate = 30;
  const media = (frames: number) => externalReference("a.mp4", "/a.mp4", timeRange(0, frames, rate));
  const shot = (start: number, frames: number, available = 100) => clip({ name: "a.mp4" }, timeRange(start, frames, rate), media(available));
  const dissolve = (inOffset: number, outOffset: number) => transition("fade", true, inOffset, outOffset, rate, {});
  const documentOf = (...tracks: object[][]) => otioTimeline.parse(timeline("t", { OTIO_SCHEMA: "RationalTime.1", rate, value: 0 } as never, stack(tracks.map((children) => track("V", "Video", children as never)), []), {}));

  it("passes a sound timeline", () => {
    expect(semanticProblems(documentOf([shot(10, 40), dissolve(5, 5), shot(20, 40), gap(20, rate)]), 100, rate)).toEqual([]);
  });

  it.each([
    { name: "a track shorter than the project", tracks: [[shot(0, 40), shot(0, 59)]], says: /lasts 99 frames, not 100/ },
    { name: "a transition at the start of a track", tracks: [[dissolve(0, 5), shot(0, 100)]], says: /not between two items/ },
    { name: "two transitions side by side", tracks: [[shot(10, 50), dissolve(2, 2), dissolve(2, 2), shot(10, 50)]], says: /not between two items/ },
    { name: "an in_offset longer than the item before", tracks: [[gap(4, rate), dissolve(5, 5), shot(10, 96)]], says: /in_offset 5 exceeds the 4 frames/ },
    { name: "an out_offset longer than the item after", tracks: [[shot(10, 96), dissolve(2, 5), gap(4, rate)]], says: /out_offset 5 exceeds the 4 frames/ },
    { name: "a clip's two transitions overlapping", tracks: [[shot(10, 45), dissolve(3, 6), shot(10, 10), dissolve(6, 3), shot(10, 45)]], says: /two transitions overlap \(6 \+ 6 > 10\)/ },
    { name: "a source range past its media", tracks: [[shot(80, 100)]], says: /uses 80–180 of its media, which has 0–100/ },
    { name: "a transition reaching before its media's start", tracks: [[shot(10, 50), dissolve(5, 5), shot(2, 50)]], says: /uses -3–52/ },
    { name: "a transition reaching past its media's end", tracks: [[shot(48, 50), dissolve(5, 5), shot(10, 50)]], says: /uses 48–103/ },
    { name: "a second rate", tracks: [[shot(0, 100)]], rateSaid: 25, says: /rates 30, not only 25/ },
  ])("fails $name", ({ tracks, says, rateSaid }) => {
    expect(semanticProblems(documentOf(...tracks), 100, rateSaid ?? rate).join("\n")).toMatch(says);
  });
});
