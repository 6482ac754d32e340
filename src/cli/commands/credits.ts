import { EXIT, defineCommand, printJson } from "../context.js";

export const creditsCommand = defineCommand({
  name: "credits",
  requires: ["agent"],
  usage: "credits [--json]",
  summary: "show the credit balance",
  async run(context) {
    const credits = await context.backend.agent.getCredits({ signal: context.signal });
    if (context.json) printJson(context, credits);
    else context.io.out(`Credits: ${credits.available} available, ${credits.frozen} reserved, ${credits.total} total`);
    return EXIT.ok;
  },
});
