import { describe, expect, it } from "vitest";
import { type ProgressValue, progressScale } from "../../src/mcp/progress.js";

/** Runs a call's progress through the scale: a number is a stage's percent, undefined a line without one, "repeat" the keepalive. */
function scaled(steps: Array<number | undefined | "repeat">): ProgressValue[] {
  const scale = progressScale();
  return steps.map((step) => (step === "repeat" ? scale(undefined, { repeat: true }) : scale(step)));
}

describe("progress notification values", () => {
  it("draw a stage that knows its percent as percent of 100", () => {
    expect(scaled([0, 25, 60, 100])).toEqual([
      { progress: 0, total: 100 },
      { progress: 25, total: 100 },
      { progress: 60, total: 100 },
      { progress: 100, total: 100 },
    ]);
  });

  it("step a hundredth without total for lines that have no percent (an agent edit)", () => {
    expect(scaled([undefined, undefined, undefined])).toEqual([{ progress: 0 }, { progress: 0.01 }, { progress: 0.02 }]);
  });

  it("never go back when a new stage starts again at 0, and draw the bar again once its percent passes", () => {
    expect(scaled([90, 100, 0, 50, 100])).toEqual([
      { progress: 90, total: 100 },
      { progress: 100, total: 100 },
      { progress: 100.01 },
      { progress: 100.02 },
      { progress: 100.03 },
    ]);
    expect(scaled([40, 10, 30, 45])).toEqual([{ progress: 40, total: 100 }, { progress: 40.01 }, { progress: 40.02 }, { progress: 45, total: 100 }]);
  });

  it("do not let a run of lines without percent outrun the percents that follow (a render reporting every percent)", () => {
    const values = scaled([undefined, undefined, 0, 1, undefined, 2, 3]);
    expect(values).toEqual([
      { progress: 0 },
      { progress: 0.01 },
      { progress: 0.02 },
      { progress: 1, total: 100 },
      { progress: 1.01 },
      { progress: 2, total: 100 },
      { progress: 3, total: 100 },
    ]);
  });

  it("keep the bar through a keepalive, and drop the total rather than pass it", () => {
    expect(scaled([57, "repeat", "repeat", 58])).toEqual([
      { progress: 57, total: 100 },
      { progress: 57.01, total: 100 },
      { progress: 57.02, total: 100 },
      { progress: 58, total: 100 },
    ]);
    expect(scaled([100, "repeat"])).toEqual([{ progress: 100, total: 100 }, { progress: 100.01 }]);
    expect(scaled([undefined, "repeat"])).toEqual([{ progress: 0 }, { progress: 0.01 }]);
  });

  it("always grow", () => {
    const steps: Array<number | undefined | "repeat"> = [];
    for (let i = 0; i < 500; i++) steps.push(i % 7 === 0 ? undefined : i % 11 === 0 ? "repeat" : (i * 37) % 101);
    const values = scaled(steps).map((v) => v.progress);
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThan(values[i - 1]!);
  });
});
