import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { type RouteAction, route } from "../../core/routing.js";
import { VideoMakerError } from "../../core/errors.js";
import { type Command, type CommandContext, EXIT, contextFor } from "../context.js";
import { creditsCommand } from "./credits.js";
import { editCommand } from "./edit.js";
import { exportCommand } from "./export.js";
import { stateCommand } from "./state.js";
import { uploadCommand } from "./upload.js";

/**
 * Anything the person said, routed by the skill's table: "导出" exports, "余额" shows the
 * credits, "状态" the timeline, files are uploaded, and everything else is an edit.
 * Paths of existing files among the words count as attachments.
 */
export const sayCommand: Command = {
  name: "say",
  usage: 'say "<anything the person said>" [files...]',
  summary: "route what the person said (English or Chinese) to the right action",
  details: "Applies the skill's routing table to what the person said: export, credits, state and upload words run those commands, files among the words are uploaded first, and everything else is an edit.",
  examples: ['video-maker say "export 1080p MP4"', 'video-maker say "余额"', 'video-maker say "make a promo from these" clip1.mp4 clip2.mp4'],
  async run(context) {
    const words = context.args;
    const files = words.filter(isFile);
    const text = words.filter((word) => !isFile(word)).join(" ").trim();
    if (!text && files.length === 0) {
      context.io.err('Error: Say something, e.g. video-maker say "export 1080p MP4" or video-maker say "余额".');
      return EXIT.usage;
    }
    const decision = route(text, { hasAttachment: files.length > 0 });
    if (!context.json) context.io.err(`→ ${decision.action}${decision.matched ? ` (${decision.matched})` : ""}`);
    if (decision.action === "upload") {
      if (files.length === 0) {
        context.io.err("Which files? Run: video-maker upload <paths...> (or name the files after the words).");
        return EXIT.usage;
      }
      const code = await uploadCommand.run({ ...context, args: files });
      if (code !== EXIT.ok || !decision.followUp) return code;
      return runAction(decision.followUp, context, text);
    }
    return runAction(decision.action, context, text);
  },
};

function runAction(action: RouteAction, context: CommandContext, text: string): Promise<number> {
  switch (action) {
    case "export":
      return exportCommand.run(context);
    case "credits": {
      const agent = contextFor(creditsCommand, context);
      if (!agent) throw new VideoMakerError("invalid_input", "The local backend is free: it renders on this computer and has no credits.");
      return creditsCommand.run(agent);
    }
    case "state":
      return stateCommand.run(context);
    case "upload":
      return uploadCommand.run(context);
    case "edit": {
      const agent = contextFor(editCommand, context);
      if (!agent) {
        throw new VideoMakerError(
          "invalid_input",
          "The local backend has no editing agent to read words: write the edit as operations in a JSON file and run video-maker apply <ops.json>.",
        );
      }
      return editCommand.run({ ...agent, args: [text] });
    }
  }
}

function isFile(word: string): boolean {
  if (!/[./\\]/.test(word)) return false;
  try {
    const path = resolve(word);
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}
