import { z } from "zod";
import { creditsSentence } from "../../core/credits-text.js";
import { defineTool } from "../tool.js";

export const getCreditsTool = defineTool({
  name: "get_credits",
  requires: ["agent"],
  title: "Show credits",
  description:
    "Read the NemoVideo credit balance: available, frozen (reserved by running work) and total. Use it when the person asks about credits, balance, 积分 or 余额. Editing costs credits (about 50 per session, generation about 100 per clip); exporting is free.",
  inputSchema: {},
  outputSchema: {
    available: z.number().describe("Credits that can be spent now"),
    frozen: z.number().describe("Credits reserved by work in progress"),
    total: z.number(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async run(_args, { backend }, call) {
    const credits = await backend.agent.getCredits({ signal: call.signal });
    return {
      structured: credits,
      text: `${creditsSentence(credits)}.`,
    };
  },
});
