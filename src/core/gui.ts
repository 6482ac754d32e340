/**
 * The editing agent answers as if the person sat in front of its web editor ("click
 * Export", "drag the clip to the timeline", "点击导出"). Here there are only tools and a
 * chat, so before a reply is shown its GUI language is rewritten into what the tool does
 * instead — the seeds' "Translating GUI Instructions" table as data.
 *
 * Rewrites are phrase-level, not sentence-level, so the rest of the agent's sentence (what it
 * did, why) survives: "Click the Export button to download your video." becomes "Run the
 * export (export_video) to download your video." Patterns only fire on the imperative GUI
 * phrase ("click X", "open the X panel"), never on a bare word, so "I clicked through the
 * clips" or "open with a close-up" are left alone.
 */

export { routingTableMarkdown } from "./routing.js";

export type GuiAction = "execute" | "state" | "edit" | "summary" | "export";

export interface GuiRule {
  id: string;
  /** Human-readable forms of what the agent says (for the docs; the matching is below). */
  patterns: { en: string[]; zh: string[] };
  /** What the agent meant in its GUI. */
  meaning: string;
  action: GuiAction;
  /** What the host (a person, an LLM or the CLI) does instead. */
  instruction: string;
}

/** What the rewritten text points to for exporting and for reading the state. */
export interface GuiNames {
  export: string;
  state: string;
}

/** The MCP server's tool names: the default, as most replies reach a host through MCP. */
export const GUI_TOOLS: GuiNames = { export: "export_video", state: "get_state" };

/** The same text, pointing at `names` instead of the MCP tools (the CLI says `video-maker export`). */
function pointAt(text: string, names: GuiNames): string {
  if (names === GUI_TOOLS) return text;
  return text.replaceAll(GUI_TOOLS.export, names.export).replaceAll(GUI_TOOLS.state, names.state);
}

/** Ordered most specific first: "click Export" must be read as export before "click [button]". */
export const GUI_RULES: readonly GuiRule[] = [
  {
    id: "export-button",
    patterns: { en: ["click Export", "Export button", "click Download"], zh: ["点击导出", "导出按钮"] },
    meaning: "click the Export (or Download) button",
    action: "export",
    instruction: `Run the export workflow (${GUI_TOOLS.export}): it renders the timeline and saves the 1080p MP4.`,
  },
  {
    id: "preview",
    patterns: {
      en: ["preview in timeline", "preview the result", "preview window", "click Preview"],
      zh: ["在时间线预览", "点击预览", "预览窗口"],
    },
    meaning: "look at the result in the timeline or preview player",
    action: "summary",
    instruction: `Show the text summary of the current tracks (${GUI_TOOLS.state}).`,
  },
  {
    id: "drop-files",
    patterns: { en: ["drag and drop your files here", "drop files here"], zh: ["把文件拖到这里"] },
    meaning: "drop files into the upload area",
    action: "execute",
    instruction: "Upload the files (send them, or their paths or links, with the message).",
  },
  {
    id: "drag",
    patterns: {
      en: ["drag/drop [clip] to [timeline]", "drag the edges", "drag and drop"],
      zh: ["拖拽", "拖动", "拖到"],
    },
    meaning: "move or trim something by hand on the timeline",
    action: "edit",
    instruction: "Ask where it should go (or the new timing) and send that as an edit instruction.",
  },
  {
    id: "open",
    patterns: { en: ["open [panel]", "go to the [panel] tab", "in the [panel] panel"], zh: ["打开", "打开[面板]"] },
    meaning: "open a panel to look at something",
    action: "state",
    instruction: `Read the session state (${GUI_TOOLS.state}) and show what that panel would.`,
  },
  {
    id: "click",
    patterns: { en: ["click [button]", "click here"], zh: ["点击", "点击[按钮]"] },
    meaning: "click a button",
    action: "execute",
    instruction:
      "Do what the button does through the matching tool; when no tool fits, send the button's name as the next instruction.",
  },
  {
    id: "export-mention",
    patterns: { en: ["ready to export", "you can export", "Export …"], zh: ["导出"] },
    meaning: "the video is ready to export",
    action: "export",
    instruction: `Offer the export (${GUI_TOOLS.export}); the text itself is left as it is.`,
  },
];

// --- matching ------------------------------------------------------------------

type Replacer = (match: string, groups: (string | undefined)[]) => string;

interface Rewrite {
  pattern: RegExp;
  /** Omitted: the phrase is only noticed (sets the action), the text stays. */
  replace?: Replacer;
}

const EXPORT_EN = `run the export (${GUI_TOOLS.export})`;
const EXPORT_ZH = `运行导出（${GUI_TOOLS.export}）`;
const SUMMARY_EN = `check the timeline summary (${GUI_TOOLS.state})`;
const SUMMARY_ZH = `查看时间线摘要（${GUI_TOOLS.state}）`;
const STATE_EN = `check the current state (${GUI_TOOLS.state})`;
const STATE_ZH = `查看当前状态（${GUI_TOOLS.state}）`;
const DRAG_ZH = "告诉我要放在哪里，我会发送编辑";

const Q_OPEN = `["“'‘「『【]`;
const Q_CLOSE = `["”'’」』】]`;
const NOT_Q = `[^"“”'‘’「」『』【】\\n]`;
const PANEL = "(?:panel|tab|library|menu|sidebar|window|settings|pane|section|inspector|drawer|folder|editor)";
const BUTTONISH = "(?:button|icon|tab|option|link)";
const ZH_CLICK = "(?:点击|单击|点一下|点按)";
const ZH_STOP = "[^，。！？；,.!?;\\n]";

const fixed = (text: string): Replacer => () => text;

const REWRITES: Record<string, Rewrite[]> = {
  "export-button": [
    {
      pattern: new RegExp(
        `\\b(?:click|press|tap|hit)\\s+(?:on\\s+)?(?:the\\s+)?(?:big\\s+|blue\\s+|green\\s+|red\\s+)?${Q_OPEN}?(?:export|download|render)${Q_CLOSE}?` +
          `(?:\\s+(?:video|mp4|now))?(?:\\s+(?:button|icon|option|tab|menu))?` +
          `(?:\\s+(?:in|at)\\s+the\\s+(?:top|bottom)(?:[\\s-]+(?:right|left))?(?:\\s+corner)?)?`,
        "gi",
      ),
      replace: fixed(EXPORT_EN),
    },
    {
      pattern: new RegExp(`(\\bthe\\s+)?${Q_OPEN}?\\b(?:export|download)${Q_CLOSE}?\\s+button\\b`, "gi"),
      replace: (_m, [the]) => (the ? `the export (${GUI_TOOLS.export})` : `export (${GUI_TOOLS.export})`),
    },
    {
      pattern: new RegExp(`${ZH_CLICK}\\s*(?:右上角的?|左上角的?|顶部的?|下方的?)?\\s*${Q_OPEN}?导出${Q_CLOSE}?\\s*(?:按钮|按键)?`, "gu"),
      replace: fixed(EXPORT_ZH),
    },
    {
      pattern: new RegExp(`${Q_OPEN}?导出${Q_CLOSE}?\\s*(?:按钮|按键)`, "gu"),
      replace: fixed(`导出（${GUI_TOOLS.export}）`),
    },
  ],
  preview: [
    {
      pattern: /\bpreview(?:\s+(?:it|them|this|that|(?:the|your)\s+(?:result|video|changes?|edits?|draft|clip|clips)))?\s+(?:in|on)\s+(?:the\s+)?timeline\b/gi,
      replace: fixed(SUMMARY_EN),
    },
    {
      pattern: /\bpreview\s+(?:it|them|(?:the|your)\s+(?:result|video|changes?|edits?|draft))\b/gi,
      replace: fixed(SUMMARY_EN),
    },
    {
      pattern: new RegExp(`\\b(?:click|press|tap|hit)\\s+(?:on\\s+)?(?:the\\s+)?${Q_OPEN}?(?:preview|play)${Q_CLOSE}?(?:\\s+button)?`, "gi"),
      replace: fixed(SUMMARY_EN),
    },
    {
      pattern: /\bthe\s+preview\s+(?:window|panel|player|pane|area)\b/gi,
      replace: fixed(`the timeline summary (${GUI_TOOLS.state})`),
    },
    { pattern: /在\s*时间[线轴](?:上|中|里)?\s*预览/gu, replace: fixed(SUMMARY_ZH) },
    {
      pattern: new RegExp(`${ZH_CLICK}\\s*${Q_OPEN}?(?:预览|播放)${Q_CLOSE}?\\s*(?:按钮|按键)?`, "gu"),
      replace: fixed(SUMMARY_ZH),
    },
    { pattern: /预览(?:窗口|面板|区域|播放器|区)/gu, replace: fixed(`时间线摘要（${GUI_TOOLS.state}）`) },
  ],
  "drop-files": [
    {
      pattern:
        /\b(?:drag(?:\s*(?:and|&|\/)\s*drop|-and-drop)?|drop)\s+((?:your|the|more|any|some)\s+)?(files?|media|videos?|clips?|photos?|images?|assets|footage|music|songs?)\s+(?:here|in\s+here|onto\s+(?:this|the)\s+(?:page|window)|into\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:area|panel|library|window|box|zone))\b/gi,
      replace: (_m, [det, noun]) => `upload ${det ?? "your "}${noun}`,
    },
    {
      pattern: /(?:将|把)?\s*(?:你的)?(?:文件|素材|视频|图片|照片|音乐)?\s*(?:拖拽|拖动|拖放|拖)(?:到|至|进)\s*(?:这里|此处|上传区域?|上传框|窗口|页面)(?:中|里|内)?/gu,
      replace: fixed("上传文件"),
    },
  ],
  drag: [
    {
      pattern:
        /\b(?:drag(?:\s*(?:and|&|\/)\s*drop|-and-drop)?|drop)\s+(it|them|this|that|(?:the|your|each|a)\s+[\w-]+(?:\s+[\w-]+)?)\s+(?:onto|into|to|on|over|in)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:timeline|track|canvas|preview|position|spot|place|layer|row|slot)\b/gi,
      replace: (_m, [object]) => `tell me where to place ${object ?? "it"} and I'll send the edit`,
    },
    {
      pattern: /\bdrag\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:handles?|edges?|ends?|sliders?|corners?)\b(?:\s+of\s+(?:the\s+)?[\w-]+)?/gi,
      replace: fixed("tell me the new values and I'll send the edit"),
    },
    {
      // Only as a verb ("You can drag and drop to…"); "the drag-and-drop editor" is left alone.
      pattern: /(?<=^|[.!?]\s+|\b(?:you\s+can|just|simply|please|then|and|or|to)\s+)drag(?:\s*(?:and|&|\/)\s*drop|-and-drop)\b/gim,
      replace: fixed("tell me what should go where"),
    },
    {
      pattern: new RegExp(`${ZH_STOP}*(?:拖动|拖拽)\\s*(?:滑块|进度条|边缘|两端|手柄)${ZH_STOP}*`, "gu"),
      replace: (m) => `${/^\s*/.exec(m)?.[0] ?? ""}告诉我新的数值，我会发送编辑`,
    },
    {
      pattern: new RegExp(`${ZH_STOP}*(?:拖拽|拖动|拖放|拖到|拖至)${ZH_STOP}*`, "gu"),
      replace: (m) => `${/^\s*/.exec(m)?.[0] ?? ""}${DRAG_ZH}`,
    },
  ],
  open: [
    {
      pattern: new RegExp(
        `\\b(?:open(?:\\s+up)?|go\\s+to|switch\\s+to|head\\s+(?:over\\s+)?to|navigate\\s+to|(?:click|tap)(?:\\s+on)?)\\s+(?:the\\s+|your\\s+)?` +
          `(?:${Q_OPEN}${NOT_Q}{1,30}${Q_CLOSE}\\s+|(?:[\\w-]+\\s+){0,2}?)${PANEL}\\b`,
        "gi",
      ),
      replace: fixed(STATE_EN),
    },
    {
      pattern: new RegExp(
        `\\b(?:in|from|under)\\s+the\\s+(?:${Q_OPEN}${NOT_Q}{1,30}${Q_CLOSE}\\s+|(?:[\\w-]+\\s+){0,2}?)(?:panel|sidebar|library|inspector|pane|drawer)\\b`,
        "gi",
      ),
      replace: fixed(`in the session state (${GUI_TOOLS.state})`),
    },
    {
      pattern: new RegExp(
        `打开\\s*(?:${Q_OPEN}${NOT_Q}{1,12}${Q_CLOSE}|[\\p{Script=Han}A-Za-z]{0,6}?(?:面板|窗口|菜单|标签页|素材库|媒体库|设置|侧边栏|编辑器))`,
        "gu",
      ),
      replace: fixed(STATE_ZH),
    },
    {
      pattern: new RegExp(`在\\s*${Q_OPEN}?[\\p{Script=Han}A-Za-z]{1,6}?${Q_CLOSE}?\\s*(?:面板|侧边栏|素材库|媒体库)(?:中|里|内)?`, "gu"),
      replace: fixed(`在当前状态中（${GUI_TOOLS.state}）`),
    },
    { pattern: /打开/gu, replace: fixed(`查看（${GUI_TOOLS.state}）`) },
  ],
  click: [
    { pattern: /\b(?:click|tap)\s+(?:on\s+)?here\b/gi, replace: fixed("ask me") },
    {
      // Only a named target counts: a quoted label, Capitalised Words, or a word before "button".
      pattern: new RegExp(
        `\\b(?:[Cc]lick|CLICK|[Tt]ap)\\s+(?:on\\s+)?(?:the\\s+)?` +
          `(?:${Q_OPEN}(${NOT_Q}{1,40})${Q_CLOSE}|([A-Z][\\w-]*(?:\\s+[A-Z][\\w-]*){0,3})|([a-z][\\w-]*)(?=\\s+${BUTTONISH}\\b))` +
          `(?:\\s+${BUTTONISH}\\b)?`,
        "g",
      ),
      replace: (_m, [quoted, capitalised, plain]) => `say "${quoted ?? capitalised ?? plain ?? ""}"`,
    },
    {
      pattern: /\b(?:press|hit)\s+(?:the\s+)?([\w-]+)\s+button\b/gi,
      replace: (_m, [label]) => `say "${label ?? ""}"`,
    },
    {
      pattern: new RegExp(`${ZH_CLICK}\\s*${Q_OPEN}(${NOT_Q}{1,20})${Q_CLOSE}\\s*(?:按钮|按键)?`, "gu"),
      replace: (_m, [label]) => `回复“${label ?? ""}”`,
    },
    {
      pattern: new RegExp(`${ZH_CLICK}\\s*([^\\s，。！？、,.!?"“”「」『』【】]{1,8}?)\\s*(?:按钮|按键)`, "gu"),
      replace: (_m, [label]) => `回复“${label ?? ""}”`,
    },
    { pattern: /(?:点击|单击)(?:这里|此处)/gu, replace: fixed("告诉我") },
    { pattern: /点击|单击/gu, replace: fixed("回复") },
  ],
  "export-mention": [
    {
      pattern: /\b(?:ready\s+(?:to|for)|can(?:\s+now)?|feel\s+free\s+to|go\s+ahead\s+and|time\s+to|want\s+to|like\s+to|let[’']?s)\s+export\b/gi,
    },
    {
      // "Export it when you're happy." — an imperative at the start of a sentence, not a report about one.
      // The next word must make it a request ("Export it", "Export when…", "Export!"), so "Export complete." is no suggestion.
      pattern: /(?:^|[.!?。！？]\s*)export(?=\s+(?:it|them|the|your|this|that|now|when|whenever|once|as|in|at|to)\b|\s*[.!]|\s*$)/gim,
    },
    { pattern: /(?<![已被])导出(?!（|失败|成功|中|完成|的)/gu },
  ],
};

export interface GuiTranslation {
  text: string;
  /** Rules that fired, in table order, each once. */
  actions: Array<{ rule: string; action: GuiAction }>;
  /** An export rule fired: offer the export. */
  suggestsExport: boolean;
}

/** Keeps a sentence's capital: "Click …" → "Run …", "… then click …" → "… then run …". */
function matchCase(original: string, replacement: string): string {
  const first = original.trimStart()[0];
  if (first && /\p{Lu}/u.test(first)) return replacement[0]!.toUpperCase() + replacement.slice(1);
  return replacement;
}

export function translateGui(text: string, names: GuiNames = GUI_TOOLS): GuiTranslation {
  let out = text;
  const fired = new Set<string>();
  for (const rule of GUI_RULES) {
    for (const rewrite of REWRITES[rule.id] ?? []) {
      // A fresh RegExp each time: global patterns keep lastIndex between calls.
      const pattern = new RegExp(rewrite.pattern.source, rewrite.pattern.flags);
      const replace = rewrite.replace;
      if (!replace) {
        if (pattern.test(out)) fired.add(rule.id);
        continue;
      }
      const count = captureCount(pattern);
      out = out.replace(pattern, (match: string, ...rest: unknown[]) => {
        fired.add(rule.id);
        // The callback gets the captures first, then offset and the whole string.
        const captures = rest.slice(0, count) as (string | undefined)[];
        return matchCase(match, replace(match, captures));
      });
    }
  }
  const actions = GUI_RULES.filter((rule) => fired.has(rule.id)).map((rule) => ({ rule: rule.id, action: rule.action }));
  return { text: fired.size > 0 ? pointAt(out, names) : out, actions, suggestsExport: actions.some((a) => a.action === "export") };
}

function captureCount(pattern: RegExp): number {
  // An empty alternative always matches, so exec on "" reports the number of groups.
  return (new RegExp(`${pattern.source}|`, pattern.flags.replace("g", "")).exec("")?.length ?? 1) - 1;
}

// --- documentation -------------------------------------------------------------

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

/** The GUI-translation table for SKILL.md files and the MCP prompt. */
export function guiTableMarkdown(names: GuiNames = GUI_TOOLS): string {
  const rows = GUI_RULES.map((rule) => {
    const says = [...rule.patterns.en, ...rule.patterns.zh].map((p) => `"${p}"`).join(" / ");
    return `| ${escapeCell(says)} | ${escapeCell(rule.meaning)} | **${rule.action}** — ${escapeCell(pointAt(rule.instruction, names))} |`;
  });
  return [
    "| The agent says… | It means | Do this instead |",
    "|---|---|---|",
    ...rows,
    "",
    "The agent writes as if its web editor were open. Rewrite only the GUI phrase and keep the rest " +
      "of its reply: \"Click the Export button to download your video.\" → \"Run the export " +
      `(${names.export}) to download your video.\"`,
  ].join("\n");
}
