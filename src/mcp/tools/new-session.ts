import { z } from "zod";
import { LANGUAGE_TAG, MAX_LANGUAGE_LENGTH } from "../../core/names.js";
import { defineTool } from "../tool.js";

export const newSessionTool = defineTool({
  name: "new_session",
  title: "Start a new project",
  description:
    "Start a fresh, empty video project. The old project's timeline and uploads are left behind, so use it only when the person wants to start over or work on something unrelated.",
  inputSchema: {
    language: z
      .string({ error: "language must be text" })
      .max(MAX_LANGUAGE_LENGTH, { error: `language is too long: a language code has at most ${MAX_LANGUAGE_LENGTH} characters, like "en" or "pt-BR"` })
      .regex(LANGUAGE_TAG, { error: 'language must be a code like "en", "zh" or "pt-BR"' })
      .optional()
      .describe('The language the agent should answer in, e.g. "en", "zh" (default: the system language)'),
  },
  outputSchema: { session_id: z.string().describe("The new project") },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  changesTimeline: true,
  async run(args, { backend }, call) {
    const session = await backend.newSession(args.language, { signal: call.signal });
    return { structured: { session_id: session.sessionId }, text: `Started a new project (${session.sessionId}). Upload media to begin.` };
  },
});
