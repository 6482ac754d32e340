import { creditsSentence } from "../../core/credits-text.js";
import { EXIT, defineCommand, printJson } from "../context.js";

export const creditsCommand = defineCommand({
  name: "credits",
  requires: ["agent"],
  usage: "credits [--json]",
  summary: "show the credit balance",
  details: "Available credits can be spent now; reserved ones are held by work in progress. Editing costs credits; exporting is free.",
  examples: ["video-maker credits", "video-maker credits --json"],
  async run(context) {
    const credits = await context.backend.agent.getCredits({ signal: context.signal });
    if (context.json) printJson(context, credits);
    else context.io.out(creditsSentence(credits));
    return EXIT.ok;
  },
});
