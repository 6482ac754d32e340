import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * docs/fault-matrix.md names the test behind every row; this fails when a named test is renamed
 * or removed, so the matrix cannot quietly point at nothing.
 */

const root = join(import.meta.dirname, "..", "..");

async function matrix(): Promise<string> {
  return readFile(join(root, "docs", "fault-matrix.md"), "utf8");
}

/** `**F** \`tests/…\`` and `**A** \`nemo-api.test.ts\`` (relative to tests/integration) in the legend. */
function legend(text: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const match of text.matchAll(/\*\*(\w+)\*\* `([^`]+\.test\.ts)`/g)) {
    const path = match[2]!.startsWith("tests/") ? match[2]! : `tests/integration/${match[2]!}`;
    files.set(match[1]!, path);
  }
  return files;
}

/**
 * The literal pieces of a cited name. Table-driven tests build titles from templates, cited with
 * … ( / : for the varying parts; a cited test counts when one substantial piece is in its file.
 */
function pieces(name: string): string[] {
  return name
    .split(/…|\(|\)| \/ |: /)
    .map((piece) => piece.trim())
    .filter((piece) => piece.length >= 10);
}

describe("docs/fault-matrix.md", () => {
  it("has the rows issue #6 asks for", async () => {
    const text = await matrix();
    const rows = [...text.matchAll(/^\| \*\*([^*]+)\*\*/gm)].map((m) => m[1]!.toLowerCase());
    for (const fault of [
      "429 burst", "token expiry in the middle of an edit", "token expiry mid-upload", "session lost during an upload",
      "5xx on a read", "5xx on a non-idempotent call", "connection reset during an upload", "connection reset during a download",
      "sse stream dropped", "heartbeat-only stream", "render stuck", "render failed", "truncated download",
      "trickling json", "trickling sse", "trickling the download", "html error pages", "invalid json", "huge json", "wrong types",
    ]) {
      expect(rows.some((row) => row.includes(fault)), fault).toBe(true);
    }
  });

  it("cites only tests that exist, in the files its legend names", async () => {
    const text = await matrix();
    const files = legend(text);
    expect(files.size).toBeGreaterThanOrEqual(8);
    const sources = new Map<string, string>();
    for (const [key, path] of files) sources.set(key, await readFile(join(root, path), "utf8"));

    let cited = 0;
    for (const row of text.split("\n").filter((line) => line.startsWith("| **"))) {
      const testsCell = row.split(" | ").at(-1)!;
      // "F › group › *name*; *name* · A › *name*": each file's names follow its letter.
      for (const part of testsCell.split(" · ")) {
        const key = /^\s*\|?\s*(\w+) ›/.exec(part)?.[1];
        if (!key || !sources.has(key)) continue;
        for (const name of part.matchAll(/\*([^*]+)\*/g)) {
          cited++;
          const source = sources.get(key)!;
          expect(pieces(name[1]!).some((piece) => source.includes(piece)), `${key} › ${name[1]}`).toBe(true);
        }
      }
    }
    expect(cited).toBeGreaterThan(50);
  });
});
