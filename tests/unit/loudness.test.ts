import { describe, expect, it } from "vitest";
import { type LoudnessReport, describeLoudness, parseLoudnessSetting } from "../../src/core/loudness.js";
import { LIMITER_DBFS, MAX_LIMITING_DB, gainFilter, planGain } from "../../src/local/loudness.js";

describe("describeLoudness says what was measured and delivered", () => {
  const table: Array<[string, LoudnessReport, string]> = [
    [
      "a quiet mix brought up",
      { target: -14, ceiling: -1, outcome: "normalised", measured: { lufs: -30.04, dbtp: -18.2 }, gain: 16.04, delivered: { lufs: -14.02, dbtp: -2.3 } },
      "Loudness: measured -30.0 LUFS, true peak -18.2 dBTP, gain +16.0 dB; delivered -14.0 LUFS, true peak -2.3 dBTP (target -14 LUFS, peaks at most -1 dBTP).",
    ],
    [
      "a loud mix brought down",
      { target: -23, ceiling: -1, outcome: "normalised", measured: { lufs: -8, dbtp: 1.5 }, gain: -15, delivered: { lufs: -23.1, dbtp: -13.4 } },
      "Loudness: measured -8.0 LUFS, true peak 1.5 dBTP, gain -15.0 dB; delivered -23.1 LUFS, true peak -13.4 dBTP (target -23 LUFS, peaks at most -1 dBTP).",
    ],
    [
      "peaks that hold the gain back",
      { target: -14, ceiling: -1, outcome: "peak_limited", measured: { lufs: -35, dbtp: -3 }, gain: 7, delivered: { lufs: -28.4, dbtp: -1.9 } },
      "Loudness: measured -35.0 LUFS, true peak -3.0 dBTP, gain +7.0 dB; delivered -28.4 LUFS, true peak -1.9 dBTP (target -14 LUFS, peaks at most -1 dBTP). " +
        "Reaching the target would have needed far more than the peaks allow, so the file is quieter than the target; lower the loudest sounds (or the target) to get closer.",
    ],
    [
      "no sound at all",
      { target: -14, ceiling: -1, outcome: "silent", measured: { lufs: -70, dbtp: null }, gain: 0, delivered: { lufs: -70, dbtp: null } },
      "Loudness: the video has no sound to measure (measured -70.0 LUFS, true peak -inf dBTP), so no gain was applied; target -14 LUFS.",
    ],
    ["off", { target: "off", ceiling: -1, outcome: "off" }, "Loudness: not normalised (off)."],
  ];
  it.each(table)("%s", (_, report, sentence) => {
    expect(describeLoudness(report)).toBe(sentence);
  });
});

describe("planGain: one gain to the target, held back when the peaks would need more than a light limiter", () => {
  const table: Array<[string, { lufs: number; dbtp: number | null }, number, { gain: number; outcome: string }]> = [
    ["quiet, peaks far under", { lufs: -30, dbtp: -20 }, -14, { gain: 16, outcome: "normalised" }],
    ["loud, brought down", { lufs: -8, dbtp: 2 }, -14, { gain: -6, outcome: "normalised" }],
    // −2 dBFS limiter + 6 dB of limiting at most: peaks may be pushed to +4 dBFS before the limiter.
    ["peaks the limiter can take", { lufs: -24, dbtp: -6 }, -14, { gain: 10, outcome: "normalised" }],
    ["peaks it cannot", { lufs: -35, dbtp: -3 }, -14, { gain: LIMITER_DBFS + MAX_LIMITING_DB + 3, outcome: "peak_limited" }],
    ["silence", { lufs: -70, dbtp: null }, -14, { gain: 0, outcome: "silent" }],
  ];
  it.each(table)("%s", (_, measured, target, plan) => {
    expect(planGain(measured, target)).toEqual(plan);
  });

  it("writes the gain and a limiter that never re-levels (level=0) and keeps samples in place (latency=1)", () => {
    expect(gainFilter(-6.5)).toBe("volume=-6.50dB,alimiter=limit=0.7943:level=0:attack=5:release=50:latency=1");
  });
});

describe("a loudness setting given as text", () => {
  it.each([
    ["-14", -14],
    [" -23.5 ", -23.5],
    ["OFF", "off"],
    ["-40", -40],
    ["-5", -5],
  ])("%s reads as %s", (raw, value) => {
    expect(parseLoudnessSetting(raw, "--loudness")).toBe(value);
  });
  it.each(["5", "-100", "abc", "", "-4.9", "-14dB"])("%s is refused with the range", (raw) => {
    expect(() => parseLoudnessSetting(raw, "--loudness")).toThrow(/--loudness must be a target from -40 to -5 LUFS .* or "off", not /);
  });
});
