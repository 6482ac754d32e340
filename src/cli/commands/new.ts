import { type Command, EXIT, printJson } from "../context.js";

export const newCommand: Command = {
  name: "new",
  usage: "new [--language xx]",
  summary: "start a new project",
  details: "Starts an empty project; the previous one stays on disk. --language sets the project's language (e.g. en, zh).",
  examples: ["video-maker new", "video-maker new --language zh"],
  async run(context) {
    const session = await context.backend.newSession(context.options.language, { signal: context.signal });
    if (context.json) printJson(context, { session_id: session.sessionId });
    else context.io.out(`Started a new project (session ${session.sessionId}).`);
    return EXIT.ok;
  },
};
