import { type ActionNames, errorGuideMarkdown, workflowsMarkdown } from "../core/guide.js";
import { guiTableMarkdown } from "../core/gui.js";
import { routingTableMarkdown } from "../core/routing.js";

/**
 * The parts of every SKILL.md that come from core data live between markers:
 *   <!-- BEGIN GENERATED: routing --> … <!-- END GENERATED: routing -->
 * `npm run skills` rewrites them; everything else in the file is written by hand. A test
 * fails when a checked-in SKILL.md differs from what this would produce.
 */

/** How a skill runs each action: the CLI, from the skill's own folder. */
export const CLI_ACTION_NAMES: ActionNames = {
  export: "`video-maker export`",
  credits: "`video-maker credits`",
  state: "`video-maker state`",
  upload: "`video-maker upload <paths…>`",
  edit: '`video-maker edit "<their words>"`',
  job: "`video-maker job <id> --wait`",
  newSession: "`video-maker new`",
  inspect: "`video-maker inspect <file>`",
};

export const GENERATED_SECTIONS: Record<string, () => string> = {
  routing: () =>
    [
      routingTableMarkdown(),
      "",
      "Run the matching command:",
      "",
      `- Export → ${CLI_ACTION_NAMES.export} (prints the MP4's absolute path on its last line; \`--name promo\`, \`--out <folder>\`)`,
      `- Credits → ${CLI_ACTION_NAMES.credits}`,
      `- State → ${CLI_ACTION_NAMES.state}`,
      `- Upload → ${CLI_ACTION_NAMES.upload} (absolute paths; \`--url <link>\` for links)`,
      `- Edit → ${CLI_ACTION_NAMES.edit}`,
      "",
      'Not sure? `video-maker say "<what they said>" [files…]` applies this table itself, in English or Chinese.',
    ].join("\n"),
  commands: () =>
    [
      "| command | what it does |",
      "|---|---|",
      "| `video-maker upload <paths…> [--url URL]` | checks and uploads clips, photos and music (mp4, mov, avi, webm, mkv, jpg, png, gif, webp, mp3, wav, m4a, aac; ≤ 500 MB each) |",
      '| `video-maker edit "<instruction>"` | sends the request to the editing agent; prints its reply, the changes and the timeline |',
      "| `video-maker state` | the timeline in one line, e.g. `Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: \"Urban Dreams\" (0-3s)` |",
      "| `video-maker credits` | available, reserved and total credits |",
      "| `video-maker export [--out DIR] [--name FILE]` | renders and downloads the MP4; never overwrites a file |",
      "| `video-maker job <id> [--wait]` / `video-maker cancel <id>` | look at, wait for, or stop an edit or export |",
      "| `video-maker new [--language xx]` | starts a fresh project |",
      "| `video-maker inspect <file> [--tiles N]` | looks at footage before cutting: scene cuts, pauses, loudness, and one contact sheet PNG of labelled moments (any file, uploaded or not) |",
      "| `video-maker claim` | a link that keeps this free project in a NemoVideo account |",
      "| `video-maker doctor` | checks Node, ffmpeg, the token (never printed), the service and the state folder |",
      "",
      "Add `--json` for one JSON document instead of text. Exit codes: 0 ok, 2 usage, 3 bad input, 4 account or configuration, 5 service or network, 130 cancelled.",
    ].join("\n"),
  gui: () => guiTableMarkdown({ export: CLI_ACTION_NAMES.export, state: CLI_ACTION_NAMES.state }),
  workflows: () => workflowsMarkdown(CLI_ACTION_NAMES),
  errors: () => errorGuideMarkdown(),
};

const MARKER = /<!-- BEGIN GENERATED: ([a-z-]+) -->\n[\s\S]*?<!-- END GENERATED: \1 -->/g;

/** Returns the SKILL.md text with every generated section rewritten from the current data. */
export function renderSkill(markdown: string): string {
  return markdown.replace(MARKER, (_whole, name: string) => {
    const section = GENERATED_SECTIONS[name];
    if (!section) throw new Error(`Unknown generated section "${name}"`);
    return `<!-- BEGIN GENERATED: ${name} -->\n${section()}\n<!-- END GENERATED: ${name} -->`;
  });
}

/** The generated sections a SKILL.md contains, in order. */
export function generatedSectionsIn(markdown: string): string[] {
  return [...markdown.matchAll(MARKER)].map((match) => match[1]!);
}
