import { z } from "zod";
import { defineTool } from "../tool.js";

export const newSessionTool = defineTool({
  name: "new_session",
  title: "Start a new project",
  description:
    "Start a fresh, empty video project. The old project's timeline and uploads are left behind, so use it only when the person wants to start over or work on something unrelated.",
  inputSchema: {
    language: z
      .string({ error: "language must be text" })
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { error: 'language must be a code like "en" or "zh"' })
      .optional()
      .describe('The language the agent should answer in, e.g. "en", "zh" (default: the system language)'),
  },
  outputSchema: { session_id: z.string().describe("The new project") },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async run(args, { backend }, call) {
    const session = await backend.newSession(args.language, { signal: call.signal });
    return { structured: { session_id: session.sessionId }, text: `Started a new project (${session.sessionId}). Upload media to begin.` };
  },
});
