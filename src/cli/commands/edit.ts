import { EXIT, defineCommand } from "../context.js";
import { reportJob, runJobToEnd } from "./jobs-shared.js";

export const editCommand = defineCommand({
  name: "edit",
  requires: ["agent"],
  usage: 'edit "<instruction>"',
  summary: 'ask the agent to edit, e.g. "add a title \'Summer Sale\' for 3 seconds"',
  details: "Sends the words to the NemoVideo editing agent and waits for its answer (most edits take 5–15 s; generating footage can take minutes). Prints the reply, the changes and the timeline. Ctrl-C stops waiting; the job id lets you look again with job.",
  examples: ['video-maker edit "combine these clips into a 60-second promo video with text overlays and transitions"', 'video-maker edit "add background music"'],
  async run(context) {
    const instruction = context.args.join(" ").trim();
    if (!instruction) {
      context.io.err('Error: The instruction is empty: say what the video should become, e.g. video-maker edit "add background music".');
      return EXIT.input;
    }
    const job = context.jobs.startEdit(instruction, context.backend.agent);
    return reportJob(context, await runJobToEnd(context, job));
  },
});
