import { describe, expect, it } from "vitest";
import { ROUTES, route, routingTableMarkdown, type RouteAction } from "../../src/core/routing.js";

const cases: Array<[string, RouteAction]> = [
  // seed "Try saying" phrases
  ["create my video clips or images", "edit"],
  ["create my images or clips", "edit"],
  ["export 1080p MP4", "export"],
  ["combine these clips into a 60-second", "edit"],
  ["combine these clips into a 60-second promo video with text overlays and transitions", "edit"],
  ["cut the pauses, add background music,", "edit"],
  ["cut the pauses, add background music, and generate captions", "edit"],
  ["turn these photos into a 30-second", "edit"],
  ["turn these photos into a 30-second promo with music", "edit"],
  ["turn these photos into a 30-second promotional video with background music", "edit"],
  // seed routing table keywords
  ["export", "export"],
  ["导出", "export"],
  ["download", "export"],
  ["send me the video", "export"],
  ["credits", "credits"],
  ["积分", "credits"],
  ["balance", "credits"],
  ["余额", "credits"],
  ["status", "state"],
  ["状态", "state"],
  ["show tracks", "state"],
  ["upload", "upload"],
  ["上传", "upload"],
  // short requests around the keyword
  ["Export!", "export"],
  ["EXPORT 1080P MP4.", "export"],
  ["please export the video", "export"],
  ["Can you export it now?", "export"],
  ["download it", "export"],
  ["I want to download the final video", "export"],
  ["Send me the video, please!", "export"],
  ["render it in 1080p", "export"],
  ["save the video as mp4", "export"],
  ["Looks great, export it!", "export"],
  ["导出视频", "export"],
  ["请导出1080p的MP4", "export"],
  ["帮我下载视频", "export"],
  ["把视频发给我", "export"],
  ["How many credits do I have?", "credits"],
  ["what's my balance", "credits"],
  ["Check my credit balance.", "credits"],
  ["还有多少积分", "credits"],
  ["我的积分还剩多少？", "credits"],
  ["查一下余额", "credits"],
  ["Status?", "state"],
  ["What's the status of my project?", "state"],
  ["Show Tracks", "state"],
  ["show the timeline", "state"],
  ["what's on the timeline", "state"],
  ["查看状态", "state"],
  ["显示轨道", "state"],
  ["upload these files", "upload"],
  ["Upload my photos.", "upload"],
  ["上传这些视频", "upload"],
  // keywords inside longer editing instructions stay edits
  ["add a status bar text saying hello", "edit"],
  ["make the export look brighter", "edit"],
  ["exported clips look dark, fix colours", "edit"],
  ["balance the audio levels between voice and music", "edit"],
  ["add end credits with the team names", "edit"],
  ["download the music from the second clip and use it as BGM", "edit"],
  ["render the title in bold red", "edit"],
  ["send me a version with subtitles", "edit"],
  ["add text to the timeline at 5s", "edit"],
  ["remove the extra tracks", "edit"],
  ["upload these photos and make a slideshow", "edit"],
  ["export vertical 9:16 for TikTok", "edit"],
  ["在时间线开头加一个标题", "edit"],
  ["把导出的视频调亮一点", "edit"],
  ["删除剩余的片段", "edit"],
  ["上传后把这些照片做成30秒宣传视频", "edit"],
  ["make it look better", "edit"],
  ["", "edit"],
];

describe("route", () => {
  it("has at least 40 phrases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)("%j → %s", (text, action) => {
    expect(route(text).action).toBe(action);
  });

  it("says which keyword decided", () => {
    expect(route("Send me the video")).toEqual({ action: "export", matched: "send me the video" });
    expect(route("还有多少积分")).toEqual({ action: "credits", matched: "积分" });
    expect(route("cut the pauses")).toEqual({ action: "edit" });
  });

  it("uploads first when the person sends a file, then follows the text", () => {
    expect(route("", { hasAttachment: true })).toEqual({ action: "upload", matched: "user sends a file" });
    expect(route("upload these files", { hasAttachment: true })).toEqual({ action: "upload", matched: "user sends a file" });
    expect(route("turn these photos into a 30-second promo with music", { hasAttachment: true })).toEqual({
      action: "upload",
      matched: "user sends a file",
      followUp: "edit",
    });
    expect(route("export", { hasAttachment: true }).followUp).toBe("export");
    expect(route("export", { hasAttachment: false })).toEqual({ action: "export", matched: "export" });
  });
});

describe("ROUTES", () => {
  it("keeps the seed's order and keywords", () => {
    expect(ROUTES.map((r) => r.action)).toEqual(["export", "credits", "state", "upload", "edit"]);
    const byAction = Object.fromEntries(ROUTES.map((r) => [r.action, r]));
    expect(byAction.export!.keywords.en).toEqual(expect.arrayContaining(["export", "download", "send me the video"]));
    expect(byAction.export!.keywords.zh).toContain("导出");
    expect(byAction.credits!.keywords.en).toEqual(expect.arrayContaining(["credits", "balance"]));
    expect(byAction.credits!.keywords.zh).toEqual(expect.arrayContaining(["积分", "余额"]));
    expect(byAction.state!.keywords.en).toEqual(expect.arrayContaining(["status", "show tracks"]));
    expect(byAction.state!.keywords.zh).toContain("状态");
    expect(byAction.upload!.keywords.en).toContain("upload");
    expect(byAction.upload!.keywords.zh).toContain("上传");
    expect(byAction.edit!.keywords).toEqual({ en: [], zh: [] });
    expect(ROUTES.filter((r) => !r.skipsAgent).map((r) => r.action)).toEqual(["edit"]);
  });

  it("every keyword on its own routes to its action", () => {
    for (const r of ROUTES) {
      for (const keyword of [...r.keywords.en, ...r.keywords.zh]) expect(route(keyword).action, keyword).toBe(r.action);
    }
  });
});

describe("routingTableMarkdown", () => {
  it("renders one row per route", () => {
    const md = routingTableMarkdown();
    const rows = md.split("\n").filter((line) => line.startsWith("| "));
    expect(rows).toHaveLength(1 + ROUTES.length);
    expect(md).toContain('"导出"');
    expect(md).toContain("**Export**");
    expect(md).toMatch(/anything else/);
  });
});
