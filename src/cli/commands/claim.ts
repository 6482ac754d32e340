import { EXIT, defineCommand, printJson } from "../context.js";

export const claimCommand = defineCommand({
  name: "claim",
  usage: "claim",
  summary: "print a link that keeps this project in a NemoVideo account",
  details: "Prints a link that moves this project and its free credits into a NemoVideo account (sign up or log in there).",
  examples: ["video-maker claim"],
  requires: ["agent"],
  async run(context) {
    const link = await context.backend.agent.claimLink({ signal: context.signal });
    if (context.json) printJson(context, { link });
    else context.io.out(link);
    return EXIT.ok;
  },
});
