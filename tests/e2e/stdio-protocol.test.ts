import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Issue 12, item 7: malformed JSON-RPC on stdio, as raw lines to the built bin. A line with NaN or
 * garbage got no answer at all; `arguments` given as a list came back as -32603 holding zod's raw
 * JSON; an unknown tool came back as an isError result where the spec (2025-11-25) says -32602.
 */

const BIN = resolve("dist/cli.js");
let root: string;
let server: ChildProcessWithoutNullStreams;
let stdout = "";
let waiters: Array<() => void> = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vm-stdio-rpc-"));
  server = spawn(process.execPath, [BIN], {
    env: { PATH: process.env.PATH ?? "", HOME: root, VIDEO_MAKER_HOME: join(root, "home"), VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_OUTPUT_DIR: join(root, "out") },
  });
  server.stdout.on("data", (chunk) => {
    stdout += String(chunk);
    for (const wake of waiters) wake();
  });
  send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } } });
  await answerTo(1);
  send({ jsonrpc: "2.0", method: "notifications/initialized" });
});
afterAll(async () => {
  server.stdin.end();
  await new Promise((done) => server.once("close", done));
  await rm(root, { recursive: true, force: true });
});

function send(message: object | string): void {
  server.stdin.write(`${typeof message === "string" ? message : JSON.stringify(message)}\n`);
}

interface Answer {
  id: string | number | null;
  result?: { isError?: boolean; content?: Array<{ text: string }>; tools?: unknown[] };
  error?: { code: number; message: string };
}

function answers(): Answer[] {
  return stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Answer & { method?: string })
    .filter((message) => message.method === undefined);
}

/** The answer with this id (the `nth` with a null id), waiting up to 10 s. */
async function answerTo(id: string | number | null, nth = 0): Promise<Answer> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = answers().filter((a) => a.id === id)[nth];
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no answer to ${String(id)} in:\n${stdout}`);
    await new Promise<void>((wake) => {
      waiters.push(wake);
      setTimeout(wake, 200);
    });
    waiters = [];
  }
}

function expectPlain(message: string): void {
  expect(message).not.toMatch(/"(code|path|expected|received|origin|issues)"\s*:|ZodError|Invalid input: expected|\n\s+at /);
}

describe("lines that are not JSON-RPC get the answer JSON-RPC prescribes", () => {
  it("a line with NaN: -32700 with id null, and the server keeps answering", async () => {
    send('{"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"cursor":NaN}}');
    const parse = await answerTo(null, 0);
    expect(parse.error?.code).toBe(-32700);
    expect(parse.error?.message).toMatch(/^Parse error: this line is not valid JSON/);
    send({ jsonrpc: "2.0", id: 8, method: "tools/list" });
    expect((await answerTo(8)).result?.tools?.length).toBeGreaterThan(3);
  });

  it("garbage: -32700 with id null", async () => {
    const before = answers().filter((a) => a.id === null).length;
    send("hello, is anyone there?");
    const parse = await answerTo(null, before);
    expect(parse.error).toEqual({ code: -32700, message: expect.stringMatching(/^Parse error/) });
  });

  it("JSON that is not a JSON-RPC message: -32600, with its id when it has one", async () => {
    send({ id: 9, method: "tools/list" }); // no "jsonrpc": "2.0"
    expect((await answerTo(9)).error).toEqual({ code: -32600, message: expect.stringMatching(/^Invalid Request: this is not a JSON-RPC 2\.0 message/) });
    const before = answers().filter((a) => a.id === null).length;
    send([{ jsonrpc: "2.0", id: 10, method: "tools/list" }]);
    expect((await answerTo(null, before)).error).toEqual({ code: -32600, message: "Invalid Request: send one message per line (batches are not accepted)" });
  });
});

describe("tools/call refused by the protocol: -32602 in plain words", () => {
  it("an unknown tool is -32602, not an isError result", async () => {
    send({ jsonrpc: "2.0", id: 20, method: "tools/call", params: { name: "delete_everything", arguments: {} } });
    const answer = await answerTo(20);
    expect(answer.result).toBeUndefined();
    expect(answer.error).toEqual({ code: -32602, message: 'There is no tool named "delete_everything" here; list the tools to see which exist.' });
  });

  it("arguments given as a list are -32602 \"must be an object\", without zod's JSON", async () => {
    send({ jsonrpc: "2.0", id: 21, method: "tools/call", params: { name: "get_state", arguments: [1, 2] } });
    const answer = await answerTo(21);
    expect(answer.error?.code).toBe(-32602);
    expect(answer.error?.message).toBe('The arguments of get_state must be an object of named values (like {"name": value}), not a list. Nothing was run.');
    expectPlain(answer.error!.message);
  });

  it("arguments given as text: -32602; params given as text: -32600 (JSON-RPC wants structured params)", async () => {
    send({ jsonrpc: "2.0", id: 22, method: "tools/call", params: { name: "get_state", arguments: "all" } });
    expect((await answerTo(22)).error).toEqual({ code: -32602, message: expect.stringContaining("not a text") });
    send({ jsonrpc: "2.0", id: 23, method: "tools/call", params: "get_state" });
    const answer = await answerTo(23);
    expect(answer.error?.code).toBe(-32600);
    expectPlain(answer.error!.message);
  });

  it("a well-formed call still works, and invalid argument values stay a tool error in words (the spec's execution error)", async () => {
    send({ jsonrpc: "2.0", id: 24, method: "tools/call", params: { name: "get_state", arguments: {} } });
    expect((await answerTo(24)).result?.isError).toBeFalsy();
    send({ jsonrpc: "2.0", id: 25, method: "tools/call", params: { name: "get_job", arguments: { job_id: "x", wait_seconds: -1 } } });
    const invalid = await answerTo(25);
    expect(invalid.result?.isError).toBe(true);
    expect(invalid.result?.content?.[0]?.text).toBe("get_job was not run: wait_seconds cannot be negative. Nothing was changed.");
  });
});
