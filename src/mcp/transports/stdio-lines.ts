import { PassThrough, type Readable } from "node:stream";
import { type JSONRPCMessage, JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";

/**
 * Reads the host's lines before the SDK's stdio transport does. That transport drops a line it
 * cannot parse (NaN, garbage, a cut-off message) without an answer, and closes itself on a line
 * over 10 MB; JSON-RPC says a parse error is answered with -32700 and `id: null`, and a message
 * that is not JSON-RPC with -32600. Good lines pass through unchanged.
 */

export const MAX_LINE_BYTES = 10 * 1024 * 1024;

type ErrorAnswer = { jsonrpc: "2.0"; id: string | number | null; error: { code: number; message: string } };

const answer = (id: string | number | null, code: number, message: string): ErrorAnswer => ({ jsonrpc: "2.0", id, error: { code, message } });

/** The error to answer a line with, or undefined when it is a JSON-RPC message to pass on. */
export function refuseLine(line: string): ErrorAnswer | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return answer(null, -32700, "Parse error: this line is not valid JSON (each line must be one JSON-RPC message; NaN, stray text or a cut-off line are not)");
  }
  if (Array.isArray(value)) return answer(null, -32600, "Invalid Request: send one message per line (batches are not accepted)");
  if (JSONRPCMessageSchema.safeParse(value).success) return undefined;
  const id = (value as { id?: unknown } | null)?.id;
  return answer(
    typeof id === "string" || typeof id === "number" ? id : null,
    -32600,
    'Invalid Request: this is not a JSON-RPC 2.0 message (it needs "jsonrpc": "2.0" and a method, or an id with a result or an error)',
  );
}

/** `input`'s good lines, as a stream for the SDK's transport; each bad line is answered through `reply`. */
export function guardLines(input: Readable, reply: (message: JSONRPCMessage) => void, maxLineBytes = MAX_LINE_BYTES): Readable {
  const out = new PassThrough();
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;

  const line = (bytes: Buffer) => {
    const text = bytes.toString("utf8").replace(/\r$/, "");
    if (text.trim() === "") return;
    const refusal = refuseLine(text);
    if (refusal) reply(refusal as unknown as JSONRPCMessage);
    else out.write(`${text}\n`);
  };

  input.on("data", (chunk: Buffer) => {
    let start = 0;
    for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, end);
      start = end + 1;
      if (tooLong) {
        tooLong = false; // the rest of the long line is over: the next one starts afresh
        continue;
      }
      line(pending.length ? Buffer.concat([...pending, piece]) : piece);
      pending = [];
      pendingBytes = 0;
    }
    const rest = chunk.subarray(start);
    if (tooLong || rest.length === 0) return;
    pendingBytes += rest.length;
    if (pendingBytes > maxLineBytes) {
      pending = [];
      pendingBytes = 0;
      tooLong = true;
      reply(answer(null, -32700, `Parse error: a line longer than ${sizeText(maxLineBytes)} was not read`) as unknown as JSONRPCMessage);
      return;
    }
    pending.push(Buffer.from(rest));
  });
  input.on("end", () => out.end());
  input.on("error", (error) => out.destroy(error));
  return out;
}

function sizeText(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MB` : `${bytes} bytes`;
}
