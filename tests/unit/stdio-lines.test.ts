import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { guardLines } from "../../src/mcp/transports/stdio-lines.js";

/** The stdio line guard (issue 12, item 7) on a real stream: what passes, what is answered. */

async function run(input: string[], maxLineBytes?: number): Promise<{ passed: string; answered: unknown[] }> {
  const stdin = new PassThrough();
  const answered: unknown[] = [];
  const out = guardLines(stdin, (message) => answered.push(message), maxLineBytes);
  let passed = "";
  out.on("data", (chunk) => (passed += String(chunk)));
  const ended = new Promise((done) => out.on("end", done));
  for (const chunk of input) stdin.write(chunk);
  stdin.end();
  await ended;
  return { passed, answered };
}

const LIST = '{"jsonrpc":"2.0","id":1,"method":"tools/list"}';

describe("guardLines", () => {
  it("passes JSON-RPC lines through whole, even split across chunks anywhere (CRLF too)", async () => {
    const { passed, answered } = await run([LIST.slice(0, 10), `${LIST.slice(10)}\r\n${LIST}`, "\n\n"]);
    expect(passed).toBe(`${LIST}\n${LIST}\n`);
    expect(answered).toEqual([]);
  });

  it("a line longer than the limit is answered -32700 and skipped; the next line is read", async () => {
    const { passed, answered } = await run([`{"jsonrpc":"2.0","id":2,"method":"x","params":{"p":"${"a".repeat(300)}`, "a".repeat(300), `"}}\n${LIST}\n`], 256);
    expect(answered).toEqual([{ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error: a line longer than 256 bytes was not read" } }]);
    expect(passed).toBe(`${LIST}\n`);
  });
});
