import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { traceableUrl } from "../../src/core/debug.js";
import { commandLine } from "../../src/local/ffmpeg.js";

describe("traceableUrl", () => {
  const api = "https://mega-api-prod.nemovideo.ai";
  const table: Array<[string, string]> = [
    [`${api}/api/credits/balance/simple`, "/api/credits/balance/simple"],
    [`${api}/api/render/proxy/lambda/render_1?token=secret#x`, "/api/render/proxy/lambda/render_1"],
    ["https://cdn.example.com/renders/r1.mp4?X-Amz-Signature=abc&X-Amz-Credential=def", "https://cdn.example.com/renders/r1.mp4"],
    ["https://user:pass@cdn.example.com/r1.mp4", "https://cdn.example.com/r1.mp4"],
    ["http://mega-api-prod.nemovideo.ai/api/x", "http://mega-api-prod.nemovideo.ai/api/x"], // another origin: named in full
  ];
  for (const [url, shown] of table) {
    it(`${url} → ${shown}`, () => expect(traceableUrl(new URL(url), api)).toBe(shown));
  }
});

describe("commandLine", () => {
  it("leaves plain words alone and single-quotes the rest", () => {
    expect(commandLine("ffmpeg", ["-hide_banner", "-i", "/media/clip 1.mp4", "-filter_complex", "[0:v]scale=1920:1080[v]", "out.mp4"])).toBe(
      "ffmpeg -hide_banner -i '/media/clip 1.mp4' -filter_complex '[0:v]scale=1920:1080[v]' out.mp4",
    );
  });

  it("round-trips every argument through a POSIX shell", () => {
    const tricky = ["it's", 'say "hi"', "$HOME", "`id`", "a\\b", "semi;colon", "new\nline", "", "ünïcødé 🎬", "*.mp4", "-"];
    const line = commandLine("printf", ["%s\\0", ...tricky]);
    const printed = execFileSync("sh", ["-c", line], { encoding: "utf8" });
    expect(printed.split("\0").slice(0, -1)).toEqual(tricky);
  });
});
