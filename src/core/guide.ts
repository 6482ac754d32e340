import { guiTableMarkdown } from "./gui.js";
import { type RouteAction, routingTableMarkdown } from "./routing.js";

/**
 * The skill's guide — routing, GUI translation, workflows, what each error means — built
 * from the core data, so the MCP prompt and every SKILL.md say the same thing. Callers
 * name how each action is invoked on their surface (an MCP tool or a CLI command).
 */

/** How each routed action is invoked; `credits` is absent where there are none (the local editor). */
export type ActionNames = Record<Exclude<RouteAction, "credits">, string> & { credits?: string; job: string; newSession: string; inspect: string };

export interface ErrorGuideEntry {
  when: string;
  meaning: string;
  tell: string;
}

/** What each failure means for the person, and what to do about it. */
export const ERROR_GUIDE: readonly ErrorGuideEntry[] = [
  {
    when: "out of credits (2001)",
    meaning: "The free or paid credits are used up. Editing costs credits; exporting does not.",
    tell: "Share the registration/claim link from the error so they can keep the project and get more credits; registered users top up in their account.",
  },
  {
    when: "export blocked by the plan (HTTP 402)",
    meaning: "The account's plan does not allow exports. It is not about credits.",
    tell: "Say they need to register or upgrade the plan to unlock export.",
  },
  {
    when: "session lost (1002)",
    meaning: "The service forgot the project; a new one was started automatically.",
    tell: "Media uploaded earlier are gone: upload the files again, then repeat the request.",
  },
  {
    when: "token rejected (1001, 1010, 1011, HTTP 401)",
    meaning: "A free token is renewed automatically; a token the person set in NEMO_TOKEN is not.",
    tell: "Ask them to set a fresh NEMO_TOKEN from their account, or unset it to use a free token.",
  },
  {
    when: "unsupported file (4001) or file too large (4002)",
    meaning: "Accepted: mp4, mov, avi, webm, mkv, jpg, png, gif, webp, mp3, wav, m4a, aac, up to 500 MB each.",
    tell: "Suggest converting, compressing or trimming the file.",
  },
  {
    when: "rate limited (HTTP 429)",
    meaning: "The service asked to slow down; one retry was already made after waiting.",
    tell: "Wait a minute and try again.",
  },
  {
    when: "stream dropped or agent timed out",
    meaning: "The connection ended before the agent answered. The edit is never resent automatically, because a resent edit is charged twice.",
    tell: "Show the timeline; send the instruction again only if the change is missing.",
  },
  {
    when: "render failed or download failed",
    meaning: "The cloud render or the download broke; no partial file is left behind.",
    tell: "Export again; exporting costs no credits.",
  },
  {
    when: "a failure that keeps coming back, unexplained",
    meaning: "Something between video-maker and the service is not as expected.",
    tell: "Ask them to set VIDEO_MAKER_DEBUG=1 (in the MCP server's env, or before the command) and try once more: stderr then shows each request and its answer, never a token, to paste into a bug report.",
  },
];

export function errorGuideMarkdown(entries: readonly ErrorGuideEntry[] = ERROR_GUIDE): string {
  return [
    "| When | What it means | Tell the person |",
    "|---|---|---|",
    ...entries.map((entry) => `| ${entry.when} | ${entry.meaning} | ${entry.tell} |`),
  ].join("\n");
}

export function workflowsMarkdown(names: ActionNames): string {
  return [
    `- **Quick edit**: ${names.upload} the files → ${names.edit} "combine these clips into a 60-second promo video with text overlays and transitions" → ${names.export} → hand over the MP4 path.`,
    `- **Photos to video**: ${names.upload} 5–10 photos and a music file → ${names.edit} "turn these photos into a 30-second promo with background music" → ${names.export}.`,
    `- **Batch**: upload several files in one session and process them one by one with different instructions; each gets its own export.`,
    `- **Iterative**: start with a rough cut, look at the timeline (${names.state}), refine with more instructions, export when it is right. The session keeps the timeline between calls; ${names.newSession} starts over.`,
    `- **Long footage**: before asking for "the best 60 seconds" of a long recording, look at it with ${names.inspect}: its scene cuts, pauses, loudness and one contact sheet show what there is to keep; name those moments in the instruction.`,
    `- **Long work**: an edit can take minutes (generation up to 15) and an export 30–90 s. When a call comes back with status "running", call ${names.job} with its job_id to keep waiting; tell the person it is still working.`,
  ].join("\n");
}

export function actionNamesMarkdown(names: ActionNames): string {
  return [
    `- Export → ${names.export}`,
    names.credits ? `- Credits → ${names.credits}` : "- Credits → none here: rendering is local and free",
    `- State → ${names.state}`,
    `- Upload → ${names.upload}`,
    `- Edit (everything else) → ${names.edit}`,
  ].join("\n");
}

/** An editor's actions: the common ones, and looking, undoing and handing the project to another editor. */
export type EditorActionNames = ActionNames & { preview: string; undo: string; exportProject: string };

/** Workflows for an editor the host drives: it writes the ops itself, then looks, then exports. */
export function editorWorkflowsMarkdown(names: EditorActionNames): string {
  return [
    `- **Quick edit**: ${names.upload} the files → ${names.edit} with the ops for "combine these clips into a 60-second promo video with text overlays and transitions" → ${names.preview} to look → ${names.export} → hand over the MP4 path.`,
    `- **Photos to video**: ${names.upload} 5–10 photos and a music file → ${names.edit} (add_image with ken_burns, add_audio, fit_duration 30) → ${names.export}.`,
    `- **Iterative**: look at the timeline (${names.state}) and its segment ids, refine with more ops, export when it is right. ${names.undo} goes back one accepted batch (the last 20 are kept); ${names.newSession} starts over.`,
    `- **Long footage**: look at a recording with ${names.inspect} before cutting it (scene cuts, pauses, loudness, a contact sheet of labelled moments) and choose the in and out points from what it shows; ${names.inspect} on the timeline draws a storyboard, a tile per segment id.`,
    `- **Finish by hand**: when the person wants to finish in a real editor, ${names.exportProject} saves the timeline as a project (mlt for Shotcut, kdenlive for Kdenlive, otio for DaVinci Resolve) with the cuts, photos, dissolves, sound levels, music fades, titles and logos, the media referenced where they are; tell them what its answer says it could not carry.`,
    `- **Long work**: an export can take a while, and renders on this computer take turns: one that comes back "queued" waits for the others and starts by itself. When it comes back "queued" or "running", call ${names.job} with its job_id to keep waiting; tell the person its place in line.`,
  ].join("\n");
}

/** What goes wrong with the local editor, and what to tell the person. */
export const EDITOR_ERROR_GUIDE: readonly ErrorGuideEntry[] = [
  {
    when: "a batch of edits is refused",
    meaning: "Every problem of every op is listed; nothing was changed.",
    tell: "Nothing to tell: fix the ops and send the whole batch again.",
  },
  {
    when: "ffmpeg is missing or too old",
    meaning: "The local engine renders with ffmpeg on this computer.",
    tell: "Ask them to install ffmpeg (apt-get install -y ffmpeg, or brew install ffmpeg), then try again.",
  },
  {
    when: "a file cannot be used",
    meaning: "It is missing, moved, changed since upload, or not a video, photo or audio ffmpeg can read.",
    tell: "Ask for the file again, or a converted copy.",
  },
  {
    when: "a damaged project file",
    meaning: "A file of the project could not be read; it was kept beside the original, never replaced.",
    tell: "Say which file, that it was kept, and offer to go back to the last good version (undo) or start a new project.",
  },
];

/** The whole guide for an editor backend (no agent, no credits), as Markdown sections. */
export function editorGuideMarkdown(names: EditorActionNames): string {
  return [
    "## Routing: what the person says → what to do",
    routingTableMarkdown({ agent: false }),
    "",
    actionNamesMarkdown(names),
    "",
    "## Workflows",
    editorWorkflowsMarkdown(names),
    "",
    "## When something goes wrong",
    errorGuideMarkdown(EDITOR_ERROR_GUIDE),
    "",
    "Never show raw JSON or stack traces to the person. Keep setup talk short.",
  ].join("\n");
}

/** The whole guide as Markdown sections. */
export function guideMarkdown(names: ActionNames): string {
  return [
    "## Routing: what the person says → what to do",
    routingTableMarkdown(),
    "",
    actionNamesMarkdown(names),
    "",
    "## Translating the agent's GUI language",
    guiTableMarkdown({ export: names.export, state: names.state }),
    "",
    "## Workflows",
    workflowsMarkdown(names),
    "",
    "## When something goes wrong",
    errorGuideMarkdown(),
    "",
    "Never show tokens, raw JSON or stack traces to the person. Keep setup talk short.",
  ].join("\n");
}
