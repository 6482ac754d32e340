import { stateToWire } from "../../core/wire.js";
import { type Command, EXIT, printJson } from "../context.js";

export const stateCommand: Command = {
  name: "state",
  usage: "state [--json]",
  summary: "show the timeline of the current project",
  details: "Prints the one-line timeline summary, then each track and the uploaded media. --json gives everything as one document.",
  examples: ["video-maker state", "video-maker state --json"],
  async run(context) {
    const state = await context.backend.getState({ signal: context.signal });
    if (context.json) {
      printJson(context, { ...stateToWire(state), draft: state.draft });
      return EXIT.ok;
    }
    context.io.out(state.timeline);
    for (const media of state.media) {
      const facts = [media.type, media.durationSeconds ? `${Math.round(media.durationSeconds)} s` : "", media.width && media.height ? `${media.width}x${media.height}` : ""];
      context.io.out(`media: ${media.name} (${facts.filter(Boolean).join(", ")})`);
    }
    return EXIT.ok;
  },
};
