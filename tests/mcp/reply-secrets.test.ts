import { readFile, readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { redactSecrets, registerSecret } from "../../src/core/errors.js";
import { adkText } from "../fake-nemo/server.js";
import { type McpHarness, startMcp, textOf } from "./harness.js";

/**
 * Issue 12, item 2: the bearer token inside what the service says (the agent's reply, an error
 * message), as is, upper-cased, or with spaces inserted, reaches no person and no file but the
 * token store.
 */

let h: McpHarness;
beforeEach(async () => {
  h = await startMcp();
});
afterEach(async () => {
  await h.close();
});

/** Every copy of the token, whatever its case and whatever whitespace was put inside it. */
function holdsToken(text: string, token: string): boolean {
  return text.replace(/\s+/g, "").toLowerCase().includes(token.toLowerCase());
}

const spaced = (token: string) => token.replace(/(.{5})/g, "$1 ");

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

async function tokenOf(): Promise<string> {
  await h.call("get_credits");
  return JSON.parse(await readFile(join(h.home, "nemo", "auth.json"), "utf8")).token as string;
}

describe("secrets in what the service says (issue 12)", () => {
  it("an agent reply holding the bearer token (as is, upper-cased, spaced out) is redacted in edit_video and in jobs/edit_*.json", async () => {
    const token = await tokenOf();
    h.fake.enqueueSse({
      steps: [{ event: adkText(`Done. Your key is ${token}, shouting ${token.toUpperCase()}, spaced ${spaced(token)}.`, { turnComplete: true }) }],
    });
    const edit = await h.call("edit_video", { instruction: "add a title" });
    expect(edit.isError, textOf(edit)).toBeFalsy();
    const seen = `${textOf(edit)}\n${JSON.stringify(edit.structuredContent)}`;
    expect(seen).toMatch(/Done\. Your key is \[redacted\]/);
    expect(holdsToken(seen, token)).toBe(false);

    const files = (await filesUnder(h.home)).filter((path) => relative(h.home, path) !== join("nemo", "auth.json"));
    expect(files.some((path) => /jobs\/edit_[0-9a-f]+\.json$/.test(path))).toBe(true);
    for (const path of files) expect(holdsToken(await readFile(path, "utf8"), token), relative(h.home, path)).toBe(false);
  });

  it("a get_credits error holding an upper-cased and a spaced-out copy of the token shows neither", async () => {
    const token = await tokenOf();
    h.fake.failNext("credits", { httpStatus: 400, code: 4000, message: `bad token ${token.toUpperCase()} or ${spaced(token)}` });
    const result = await h.call("get_credits");
    expect(result.isError).toBe(true);
    expect(holdsToken(textOf(result), token)).toBe(false);
  });
});

describe("redactSecrets", () => {
  it("matches a registered secret in any case and with whitespace inserted, and leaves other text alone", () => {
    const secret = "Zq9sEcReT-4242-kL";
    registerSecret(secret);
    expect(redactSecrets(`a ${secret} b`)).toBe("a [redacted] b");
    expect(redactSecrets(`a ${secret.toLowerCase()} b`)).toBe("a [redacted] b");
    expect(redactSecrets(`a ${secret.split("").join(" ")} b`)).toBe("a [redacted] b");
    expect(redactSecrets(`a ${secret.slice(0, 6)}\n\t${secret.slice(6)} b`)).toBe("a [redacted] b");
    expect(redactSecrets("NMV_USR_ABCDEF123 and 你好 🎬")).toBe("[redacted] and 你好 🎬");
  });
});
