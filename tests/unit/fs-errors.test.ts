import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { toVideoMakerError } from "../../src/core/errors.js";
import { registerStateFolder } from "../../src/core/fs-errors.js";
import { createLogger } from "../../src/mcp/logger.js";
import { createServer } from "../../src/mcp/server.js";
import { textOf } from "../mcp/harness.js";

/**
 * Issue 12, item 5: file-system failures in words. The full disk and the unusable folders are
 * real here (/dev/full answers every write with ENOSPC, without root); tests/e2e/state-folder.test.ts
 * runs the same through the CLI, with a real full tmpfs when it may mount one.
 */

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vm-fserr-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The error a real write to /dev/full throws, as a write to a full disk does. */
async function realDiskFull(): Promise<unknown> {
  const handle = await open("/dev/full", "w");
  try {
    await handle.writeFile("x".repeat(10_000));
  } catch (error) {
    return error;
  } finally {
    await handle.close();
  }
  throw new Error("/dev/full accepted a write");
}

describe("a full disk (ENOSPC from /dev/full)", () => {
  it("is disk_full, a configuration matter (CLI exit 4), said in words without the errno", async () => {
    const raw = (await realDiskFull()) as NodeJS.ErrnoException;
    expect(raw.code).toBe("ENOSPC");
    raw.path = join(root, "home", "local", "sessions", "s1", "draft.json");
    registerStateFolder(join(root, "home"));
    const failure = toVideoMakerError(raw);
    expect(failure.code).toBe("disk_full");
    expect(failure.kind).toBe("config");
    expect(failure.message).toBe(
      `There is no space left on the disk that holds ${join(root, "home")} (video-maker's state folder, VIDEO_MAKER_HOME), so the last change could not be saved; what was saved before is unchanged. Free some space, then try again.`,
    );
  });

  it("outside the state folder names the file", async () => {
    const raw = (await realDiskFull()) as NodeJS.ErrnoException;
    raw.path = "/elsewhere/video.mp4";
    expect(toVideoMakerError(raw).message).toMatch(/^There is no space left on the disk that holds \/elsewhere\/video\.mp4, so/);
  });

  it("an errno error outside any state folder that is not a full disk stays as it was", () => {
    const raw = Object.assign(new Error("EACCES: permission denied, open '/somewhere/else'"), { code: "EACCES", path: "/somewhere/else" });
    expect(toVideoMakerError(raw).code).toBe("upstream");
  });
});

describe("an MCP server whose VIDEO_MAKER_HOME is under a regular file", () => {
  for (const backend of ["local", "nemo"] as const) {
    it(`${backend}: starts, and a tool answers isError naming the folder and what to do`, async () => {
      const file = join(root, `file-${backend}`);
      await writeFile(file, "x");
      const home = join(file, "home");
      const config = loadConfig({ VIDEO_MAKER_BACKEND: backend, VIDEO_MAKER_HOME: home, NEMO_API_BASE: "http://127.0.0.1:9", VIDEO_MAKER_OUTPUT_DIR: join(root, "out") });
      const created = await createServer(config, { logger: createLogger({ stderr: false }) });
      const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
      const client = new Client({ name: "vitest", version: "1.0.0" });
      await created.server.connect(serverTransport);
      await client.connect(clientTransport);
      try {
        const result = (await client.callTool({ name: "get_state", arguments: {} })) as CallToolResult;
        expect(result.isError).toBe(true);
        expect(textOf(result)).toBe(
          `video-maker cannot use its state folder ${home}: a file stands where a folder should be (${join(home, backend === "local" ? "local/session.json" : "sessions/nemo.json")}). Set VIDEO_MAKER_HOME to a folder you can write to, or fix that one.`,
        );
      } finally {
        await client.close();
        await created.cleanup();
      }
    });
  }
});
