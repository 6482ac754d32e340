import { VideoMakerError } from "./errors.js";

/** An instruction longer than this is almost certainly a paste by mistake. */
export const MAX_INSTRUCTION_CHARS = 8000;

/** The instruction as it will be sent (trimmed), or a person-facing error before any job starts. */
export function checkInstruction(instruction: unknown): string {
  const text = typeof instruction === "string" ? instruction.trim() : "";
  if (!text) throw new VideoMakerError("invalid_input", "The instruction is empty: say what the video should become.");
  if (text.length > MAX_INSTRUCTION_CHARS) {
    throw new VideoMakerError(
      "invalid_input",
      `The instruction is ${text.length} characters long; keep it under ${MAX_INSTRUCTION_CHARS}.`,
    );
  }
  return text;
}
