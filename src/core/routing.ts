/**
 * Which action a person's message asks for — the seeds' "Matching Input to Actions" table
 * as data. Four actions answer directly (no round trip to the editing agent); everything
 * else is an edit instruction for the agent.
 *
 * The rule (why not plain keyword search): a keyword only picks its action when the message
 * is *about nothing else*. After lower-casing, dropping punctuation and removing the
 * action's keywords, every word left must be filler — politeness ("please", "can you",
 * "请", "帮我"), the object ("the video", "these files", "视频") or format words ("1080p",
 * "MP4"). So "export 1080p MP4", "please export the video", "还有多少积分" route directly,
 * while "add a status bar text saying hello" or "make the export look brighter" keep a word
 * ("add", "make") that is no filler and go to the agent as edits. Edit verbs are never
 * filler, so a longer instruction that merely mentions a keyword can never be hijacked.
 * English keywords match whole words only ("exported" is not "export"); Chinese has no
 * word breaks, so Chinese keywords and fillers are removed as substrings.
 */

export type RouteAction = "export" | "credits" | "state" | "upload" | "edit";

export interface Route {
  action: RouteAction;
  /** Keywords that select this action; seed keywords come first. Empty for the catch-all. */
  keywords: { en: string[]; zh: string[] };
  description: string;
  /** True when the action answers without a round trip to the editing agent. */
  skipsAgent: boolean;
}

export const ROUTES: readonly Route[] = [
  {
    action: "export",
    keywords: {
      en: ["export", "download", "send me the video", "render", "send me", "send it", "save the video", "save"],
      zh: ["导出", "下载", "发给我", "发我", "渲染", "保存"],
    },
    description: "Render the timeline and save the finished 1080p MP4",
    skipsAgent: true,
  },
  {
    action: "credits",
    keywords: {
      en: ["credits", "balance", "credit", "how many credits", "credit balance"],
      zh: ["积分", "余额", "剩余", "还剩", "点数", "额度"],
    },
    description: "Show the credit balance (available, frozen, total)",
    skipsAgent: true,
  },
  {
    action: "state",
    keywords: {
      en: ["status", "show tracks", "state", "tracks", "timeline", "show the timeline", "draft"],
      zh: ["状态", "轨道", "时间线", "时间轴", "草稿"],
    },
    description: "Show the timeline: tracks, clips and uploaded media",
    skipsAgent: true,
  },
  {
    action: "upload",
    keywords: {
      en: ["upload", "import"],
      zh: ["上传", "导入"],
    },
    description: "Upload the files the person sends (or names)",
    skipsAgent: true,
  },
  {
    action: "edit",
    keywords: { en: [], zh: [] },
    description: "Everything else (generate, edit, add BGM…): sent to the editing agent",
    skipsAgent: false,
  },
];

/** Words that may surround any keyword without changing what is asked. */
const COMMON_FILLER = {
  en: [
    "please", "pls", "plz", "kindly", "now", "right now", "asap", "then", "so", "just", "ok", "okay", "alright",
    "yes", "yeah", "sure", "hey", "hi", "hello", "thanks", "thank you", "great", "perfect", "nice", "good",
    "cool", "awesome", "fine", "looks", "look", "lgtm", "can", "could", "would", "will", "you", "u", "i", "id",
    "im", "want", "wanna", "need", "to", "like", "lets", "let", "us", "go", "ahead", "and", "me", "for", "the",
    "a", "an", "my", "it", "do", "again", "already", "finally",
  ],
  zh: [
    "请", "帮我", "帮忙", "给我", "麻烦", "我要", "我想要", "我想", "一下", "吧", "呢", "吗", "啊", "呀", "了",
    "现在", "可以", "能", "你", "我", "的", "把", "好的", "好", "谢谢", "一个", "然后", "就",
  ],
};

/** Words that may surround one action's keywords: its object, format and question words. */
const ROUTE_FILLER: Record<Exclude<RouteAction, "edit">, { en: string[]; zh: string[] }> = {
  export: {
    en: [
      "video", "videos", "file", "final", "finished", "result", "movie", "clip", "cut", "version",
      "mp4", "1080p", "720p", "4k", "hd", "full", "high", "quality", "h264", "h.264", "format", "as", "in", "an",
      "to", "at", "over", "when", "its", "ready", "done", "whole", "thing", "this", "that", "how", "out",
    ],
    zh: ["视频", "成片", "文件", "最终", "这个", "成", "为", "高清", "吧", "出来", "完整", "格式"],
  },
  credits: {
    en: [
      "how", "many", "much", "do", "does", "have", "left", "remaining", "remain", "check", "show", "what", "whats",
      "is", "are", "account", "get", "see", "tell", "current", "still", "there", "available", "any", "got", "of",
      "about", "on",
    ],
    zh: ["还有", "多少", "查询", "查看", "查", "看看", "看", "剩下", "账户", "账号", "还", "有", "显示", "当前", "目前"],
  },
  state: {
    en: [
      "show", "me", "whats", "what", "is", "on", "current", "check", "see", "view", "list", "of", "project", "all",
      "so", "far", "where", "are", "we", "how", "many", "does", "it", "look", "there", "in", "our", "this", "video", "get",
    ],
    zh: ["查看", "看看", "看", "显示", "当前", "目前", "现在", "项目", "是", "什么", "怎么样", "如何", "所有", "有哪些", "哪些", "列出", "视频"],
  },
  upload: {
    en: [
      "these", "this", "those", "the", "my", "some", "files", "file", "clips", "clip", "videos", "video", "photos",
      "photo", "pictures", "picture", "images", "image", "music", "song", "songs", "audio", "media", "footage",
      "assets", "them", "here", "are", "is", "of", "new", "from", "mp4", "mov", "jpg", "png", "mp3",
    ],
    zh: ["这些", "这个", "文件", "视频", "图片", "照片", "素材", "音乐", "几个", "张", "个", "些"],
  },
};

export interface RouteOptions {
  /** The message came with files (seed: "user sends file → upload"). */
  hasAttachment?: boolean;
}

export interface RouteResult {
  action: RouteAction;
  /** The keyword that decided it (or "user sends a file"); absent for edits. */
  matched?: string;
  /**
   * Only with an attachment: what the text asks for once the files are uploaded
   * (e.g. "turn these photos into a 30-second promo" → "edit"). Absent when the text asks
   * for nothing beyond the upload.
   */
  followUp?: RouteAction;
}

const HAN = /\p{Script=Han}/u;
// Latin letters and digits only: Chinese characters next to an English keyword ("导出mp4") still make a boundary.
const WORD_CHAR = "[\\p{Script=Latin}\\p{N}_]";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const compiled = new Map<string, RegExp>();

/** Cached; callers only use `search` and `replace`, which ignore a global pattern's lastIndex. */
function phraseRegExp(phrase: string): RegExp {
  let pattern = compiled.get(phrase);
  if (!pattern) {
    pattern = compilePhrase(phrase);
    compiled.set(phrase, pattern);
  }
  return pattern;
}

function compilePhrase(phrase: string): RegExp {
  if (HAN.test(phrase)) return new RegExp(escapeRegExp(phrase), "gu");
  const body = phrase.split(/\s+/).map(escapeRegExp).join("\\s+");
  return new RegExp(`(?<!${WORD_CHAR})${body}(?!${WORD_CHAR})`, "giu");
}

function longestFirst(phrases: readonly string[]): string[] {
  return [...phrases].sort((a, b) => b.length - a.length);
}

/** Lower-case, unify full-width forms and drop apostrophes ("what's" → "whats"). */
function normalize(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/['’‘`´]/g, "");
}

function matchAction(normalized: string, route: Route): string | undefined {
  if (route.action === "edit") return undefined;
  let rest = normalized;
  let matched: string | undefined;
  for (const keyword of longestFirst([...route.keywords.en, ...route.keywords.zh])) {
    const pattern = phraseRegExp(keyword);
    if (rest.search(pattern) >= 0) {
      matched ??= keyword;
      rest = rest.replace(pattern, " ");
    }
  }
  if (matched === undefined) return undefined;
  const filler = ROUTE_FILLER[route.action];
  for (const phrase of longestFirst([...filler.en, ...filler.zh, ...COMMON_FILLER.en, ...COMMON_FILLER.zh])) {
    rest = rest.replace(phraseRegExp(phrase), " ");
  }
  return /[\p{L}\p{N}]/u.test(rest) ? undefined : matched;
}

function routeText(text: string): RouteResult {
  const normalized = normalize(text);
  for (const route of ROUTES) {
    const matched = matchAction(normalized, route);
    if (matched !== undefined) return { action: route.action, matched };
  }
  return { action: "edit" };
}

export function route(text: string, opts: RouteOptions = {}): RouteResult {
  const byText = routeText(text);
  if (!opts.hasAttachment) return byText;
  // Files must be uploaded before anything can use them; the text, if it asks for more, follows.
  const result: RouteResult = { action: "upload", matched: "user sends a file" };
  const hasWords = /[\p{L}\p{N}]/u.test(text);
  if (hasWords && byText.action !== "upload") result.followUp = byText.action;
  return result;
}

// --- documentation -------------------------------------------------------------

const EXAMPLE_LIMIT = { en: 6, zh: 4 };

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

/** The routing table for SKILL.md files and the MCP prompt. */
/**
 * The table for a backend with an editing agent (the default), or for an editor the host
 * drives itself (`agent: false`): edits are the host's own ops, and credits do not exist.
 */
export function routingTableMarkdown(options: { agent?: boolean } = {}): string {
  if (options.agent === false) return editorRoutingTableMarkdown();
  const rows = ROUTES.map((r) => {
    let says: string;
    if (r.action === "edit") says = "anything else — generate, edit, add BGM…";
    else {
      const en = r.keywords.en.slice(0, EXAMPLE_LIMIT.en).map((k) => `"${k}"`);
      const zh = r.keywords.zh.slice(0, EXAMPLE_LIMIT.zh).map((k) => `"${k}"`);
      says = [...en, ...zh].join(" / ");
      if (r.action === "upload") says += " / the person sends a file";
    }
    const name = r.action === "state" ? "State" : r.action[0]!.toUpperCase() + r.action.slice(1);
    return `| ${escapeCell(says)} | **${name}** — ${escapeCell(r.description)} | ${r.skipsAgent ? "no" : "yes"} |`;
  });
  return [
    "| The person says… | Action | Goes to the agent? |",
    "|---|---|---|",
    ...rows,
    "",
    "A keyword only counts when the message is about nothing else: \"export 1080p MP4\", " +
      "\"please export the video\", \"还有多少积分\" take the shortcut, while \"add a status bar text " +
      "saying hello\" or \"make the export look brighter\" are edits and go to the agent. " +
      "A message with files uploads them first, then does what its text asks.",
  ].join("\n");
}

function editorRoutingTableMarkdown(): string {
  const rows = ROUTES.map((r) => {
    const en = r.keywords.en.slice(0, EXAMPLE_LIMIT.en).map((k) => `"${k}"`);
    const zh = r.keywords.zh.slice(0, EXAMPLE_LIMIT.zh).map((k) => `"${k}"`);
    const says = r.action === "edit" ? "anything else — cut, add titles, music, transitions…" : [...en, ...zh].join(" / ");
    const name = r.action === "state" ? "State" : r.action[0]!.toUpperCase() + r.action.slice(1);
    const does =
      r.action === "edit"
        ? "Everything else: you turn the request into edit operations"
        : r.action === "credits"
          ? "Nothing to show: local rendering is free and has no credits; say so"
          : r.description;
    return `| ${escapeCell(says)} | **${name}** — ${escapeCell(does)} |`;
  });
  return [
    "| The person says… | Action |",
    "|---|---|",
    ...rows,
    "",
    "A keyword only counts when the message is about nothing else: \"export 1080p MP4\" exports, while " +
      "\"make the export look brighter\" is an edit. A message with files uploads them first, then does what its text asks.",
  ].join("\n");
}
