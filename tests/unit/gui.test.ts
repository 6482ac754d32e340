import { describe, expect, it } from "vitest";
import { GUI_RULES, guiTableMarkdown, routingTableMarkdown, translateGui } from "../../src/core/gui.js";

interface Case {
  input: string;
  text: string;
  rules: string[];
  suggestsExport?: boolean;
}

const cases: Case[] = [
  {
    input: "Click the Export button to download your video.",
    text: "Run the export (export_video) to download your video.",
    rules: ["export-button"],
    suggestsExport: true,
  },
  {
    input: "Done! When you're happy, click Export in the top right corner.",
    text: "Done! When you're happy, run the export (export_video).",
    rules: ["export-button"],
    suggestsExport: true,
  },
  {
    input: 'Press the "Download" button to save it.',
    text: "Run the export (export_video) to save it.",
    rules: ["export-button"],
    suggestsExport: true,
  },
  {
    input: "Use the Export button when ready.",
    text: "Use the export (export_video) when ready.",
    rules: ["export-button"],
    suggestsExport: true,
  },
  {
    input: "Open the media panel to see your uploads.",
    text: "Check the current state (get_state) to see your uploads.",
    rules: ["open"],
  },
  {
    input: "Your clips are in the Media library.",
    text: "Your clips are in the session state (get_state).",
    rules: ["open"],
  },
  {
    input: "Drag the clip to the timeline to add it.",
    text: "Tell me where to place the clip and I'll send the edit to add it.",
    rules: ["drag"],
  },
  {
    input: "I added the music. Drag the edges of the clip to trim it.",
    text: "I added the music. Tell me the new values and I'll send the edit to trim it.",
    rules: ["drag"],
  },
  {
    input: "Drag and drop your files here to get started.",
    text: "Upload your files to get started.",
    rules: ["drop-files"],
  },
  {
    input: "You can preview it in the timeline.",
    text: "You can check the timeline summary (get_state).",
    rules: ["preview"],
  },
  {
    input: "Preview in timeline, then tell me what to change.",
    text: "Check the timeline summary (get_state), then tell me what to change.",
    rules: ["preview"],
  },
  {
    input: "Click Apply to confirm the changes.",
    text: 'Say "Apply" to confirm the changes.',
    rules: ["click"],
  },
  {
    input: "Then click the generate button.",
    text: 'Then say "generate".',
    rules: ["click"],
  },
  {
    input: "I clicked through your clips and they open with a close-up; the pacing is good.",
    text: "I clicked through your clips and they open with a close-up; the pacing is good.",
    rules: [],
  },
  {
    input: "I trimmed the intro to 4 seconds and added captions.",
    text: "I trimmed the intro to 4 seconds and added captions.",
    rules: [],
  },
  {
    input: "Your video is ready to export!",
    text: "Your video is ready to export!",
    rules: ["export-mention"],
    suggestsExport: true,
  },
  {
    input: "The exported file had an error earlier.",
    text: "The exported file had an error earlier.",
    rules: [],
    suggestsExport: false,
  },
  {
    input: "Export complete. The drag-and-drop editor is not needed.",
    text: "Export complete. The drag-and-drop editor is not needed.",
    rules: [],
  },
  {
    input: "You can drag and drop to rearrange clips.",
    text: "You can tell me what should go where to rearrange clips.",
    rules: ["drag"],
  },
  {
    input: "Go to the Text tab and choose a font.",
    text: "Check the current state (get_state) and choose a font.",
    rules: ["open"],
  },
  // Chinese
  {
    input: "点击导出即可下载视频。",
    text: "运行导出（export_video）即可下载视频。",
    rules: ["export-button"],
    suggestsExport: true,
  },
  {
    input: "完成后点击右上角的“导出”按钮。",
    text: "完成后运行导出（export_video）。",
    rules: ["export-button"],
    suggestsExport: true,
  },
  {
    input: "打开素材面板查看上传的文件",
    text: "查看当前状态（get_state）查看上传的文件",
    rules: ["open"],
  },
  {
    input: "将片段拖拽到时间线上即可添加。",
    text: "告诉我要放在哪里，我会发送编辑。",
    rules: ["drag"],
  },
  {
    input: "背景音乐已添加，请在时间线上预览。",
    text: "背景音乐已添加，请查看时间线摘要（get_state）。",
    rules: ["preview"],
  },
  {
    input: "请点击“应用”按钮确认。",
    text: "请回复“应用”确认。",
    rules: ["click"],
  },
  {
    input: "请拖动滑块调整音量，然后导出。",
    text: "告诉我新的数值，我会发送编辑，然后导出。",
    rules: ["drag", "export-mention"],
    suggestsExport: true,
  },
  {
    input: "把文件拖到这里开始。",
    text: "上传文件开始。",
    rules: ["drop-files"],
  },
  {
    input: "视频已经完成，可以导出了。",
    text: "视频已经完成，可以导出了。",
    rules: ["export-mention"],
    suggestsExport: true,
  },
  {
    input: "视频已导出。",
    text: "视频已导出。",
    rules: [],
    suggestsExport: false,
  },
  {
    input: "Added the title. 点击预览查看效果，满意后点击导出。",
    text: "Added the title. 查看时间线摘要（get_state）查看效果，满意后运行导出（export_video）。",
    rules: ["export-button", "preview"],
    suggestsExport: true,
  },
];

describe("translateGui", () => {
  it("has at least 20 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)("$input", ({ input, text, rules, suggestsExport }) => {
    const result = translateGui(input);
    expect(result.text).toBe(text);
    expect(result.actions.map((a) => a.rule)).toEqual(rules);
    expect(result.suggestsExport).toBe(suggestsExport ?? false);
    for (const a of result.actions) expect(a.action).toBe(GUI_RULES.find((r) => r.id === a.rule)!.action);
  });

  it.each([
    ["Click the Export button to download your video.", "Run the export (video-maker export) to download your video."],
    ["Open the Media panel to see your clips.", "Check the current state (video-maker state) to see your clips."],
    ["点击导出按钮即可下载。", "运行导出（video-maker export）即可下载。"],
    ["I added three clips and a title.", "I added three clips and a title."],
  ])("points the CLI at its commands: %s", (input, expected) => {
    const names = { export: "video-maker export", state: "video-maker state" };
    const result = translateGui(input, names);
    expect(result.text).toBe(expected);
    expect(result.text).not.toMatch(/export_video|get_state/);
  });

  it("leaves an agent's own mention of a tool name alone when nothing was rewritten", () => {
    const text = "The export_video tool is not something I can run.";
    expect(translateGui(text, { export: "video-maker export", state: "video-maker state" }).text).toBe(text);
  });

  it("is stable when applied twice", () => {
    for (const { input } of cases) {
      const once = translateGui(input).text;
      expect(translateGui(once).text, input).toBe(once);
    }
  });

  it("leaves an empty reply empty", () => {
    expect(translateGui("")).toEqual({ text: "", actions: [], suggestsExport: false });
  });
});

describe("GUI_RULES", () => {
  it("covers every seed rule", () => {
    const all = GUI_RULES.flatMap((r) => [...r.patterns.en, ...r.patterns.zh]).join(" ");
    for (const seed of ["click", "点击", "open", "打开", "drag", "拖拽", "preview in timeline", "Export", "导出"]) {
      expect(all).toContain(seed);
    }
    expect(new Set(GUI_RULES.map((r) => r.action))).toEqual(new Set(["execute", "state", "edit", "summary", "export"]));
    expect(new Set(GUI_RULES.map((r) => r.id)).size).toBe(GUI_RULES.length);
  });
});

describe("markdown tables", () => {
  it("renders the GUI table", () => {
    const md = guiTableMarkdown();
    const rows = md.split("\n").filter((line) => line.startsWith("| "));
    expect(rows).toHaveLength(1 + GUI_RULES.length);
    expect(md).toContain("export_video");
    expect(md).toContain('"点击导出"');
  });

  it("re-exports the routing table", () => {
    expect(routingTableMarkdown()).toMatch(/^\| The person says… \|/);
  });
});
