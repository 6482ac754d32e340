import { afterEach, describe, expect, it, vi } from "vitest";
import { progressDisplay } from "../../src/cli/io.js";

function fakeIo(tty: boolean) {
  const lines: string[] = [];
  const raw: string[] = [];
  return { io: { out: () => {}, err: (line: string) => lines.push(line), tty }, lines, raw, write: (text: string) => raw.push(text) };
}

afterEach(() => vi.useRealTimers());

describe("progressDisplay", () => {
  it("draws a bar on a terminal, one line per stage", () => {
    const { io, raw } = fakeIo(true);
    const display = progressDisplay(io, { write: (t) => raw.push(t) });
    display.update({ stage: "upload", message: "uploading 1/2 — 50%", fraction: 0.5 });
    display.update({ stage: "render", message: "render 10%", fraction: 0.1 });
    display.done();
    expect(raw.join("")).toContain("[████████████░░░░░░░░░░░░]  50% uploading 1/2 — 50%");
    expect(raw.join("")).toContain("\n"); // the upload line was kept when the render began
    expect(raw.at(-1)).toBe("\r\x1b[2K");
  });

  it("prints plain lines off a terminal: new kinds of messages at once, bare percentages at most every 2 s", () => {
    let now = 0;
    const { io, lines } = fakeIo(false);
    const display = progressDisplay(io, { now: () => now });
    display.update({ stage: "render", message: "render 10%", fraction: 0.1 });
    now += 500;
    display.update({ stage: "render", message: "render 20%", fraction: 0.2 });
    now += 2500;
    display.update({ stage: "render", message: "render 60%", fraction: 0.6 });
    display.update({ stage: "download", message: "downloading 5%", fraction: 0.05 });
    display.update({ stage: "download", message: "downloading 100%", fraction: 1 });
    display.done();
    expect(lines).toEqual(["… render 10%", "… render 60%", "… downloading 5%", "… downloading 100%"]);
  });

  it('says "Still working" at least every 2 minutes while nothing else is printed', () => {
    vi.useFakeTimers();
    const { io, lines } = fakeIo(false);
    const display = progressDisplay(io);
    display.update({ stage: "agent", message: "agent: generating video" });
    vi.advanceTimersByTime(5 * 60_000);
    display.done();
    const still = lines.filter((line) => line.startsWith("⏳ Still working"));
    expect(still.length).toBeGreaterThanOrEqual(2);
    expect(still[0]).toContain("agent: generating video");
  });
});
