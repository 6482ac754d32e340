import { mkdir, mkdtemp, readFile, readdir, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/mcp/logger.js";
import { createServer } from "../../src/mcp/server.js";

/**
 * What the model sees of every tool, one checked-in file per tool (as github-mcp-server's
 * __toolsnaps__), for each backend, so every change to a name, a description or a schema is a
 * reviewed diff. Layout (see __toolsnaps__/README.md):
 *   backends.json             the tools each backend lists, in order
 *   <tool>.json               the tool as every backend that lists it shows it
 *   <tool>.<backend>.json     one file per backend instead, when the backends show it differently
 * `UPDATE_TOOLSNAPS=1 npx vitest run tests/mcp/toolsnaps.test.ts` rewrites the folder.
 */

const BACKENDS = ["nemo", "local"] as const;
type BackendName = (typeof BACKENDS)[number];

const DIR = fileURLToPath(new URL("./__toolsnaps__/", import.meta.url));
const INDEX = "backends.json";
const UPDATE = !["", "0", "false"].includes(process.env.UPDATE_TOOLSNAPS ?? "");
const HOW_TO_ACCEPT =
  "If the change is meant, rewrite the snapshots with `UPDATE_TOOLSNAPS=1 npx vitest run tests/mcp/toolsnaps.test.ts` " +
  "and commit tests/mcp/__toolsnaps__/ with the change, so it is reviewed.";

/** The top-level fields in the order a reader wants them; any field the SDK adds later follows. */
const FIELD_ORDER = ["name", "title", "description", "inputSchema", "outputSchema", "annotations", "execution", "_meta"];

/** tools/list as a host gets it, from a server on `backend` over the SDK's in-memory transport. */
async function listTools(backend: BackendName): Promise<Tool[]> {
  const root = await mkdtemp(join(tmpdir(), `vm-toolsnaps-${backend}-`));
  try {
    const config = loadConfig({
      VIDEO_MAKER_BACKEND: backend,
      VIDEO_MAKER_HOME: join(root, "home"),
      VIDEO_MAKER_OUTPUT_DIR: join(root, "out"),
      // Listing tools calls no service; should that change, the call fails here at once.
      NEMO_API_BASE: "http://127.0.0.1:9",
    });
    const created = await createServer(config, { logger: createLogger({ stderr: false }), resumeJobs: false });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: "toolsnaps", version: "1.0.0" });
    await created.server.connect(serverTransport);
    await client.connect(clientTransport);
    try {
      return (await client.listTools()).tools;
    } finally {
      await client.close();
      await created.cleanup();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function toolText(tool: Tool): string {
  const given: Record<string, unknown> = tool;
  const fields: Record<string, unknown> = {};
  for (const key of FIELD_ORDER) if (key in given) fields[key] = given[key];
  for (const [key, value] of Object.entries(given)) if (!(key in fields)) fields[key] = value;
  return `${JSON.stringify(fields, null, 2)}\n`;
}

/** File name → text: the whole folder as it should be for these tool lists. */
function snapshotFiles(lists: Record<BackendName, Tool[]>): Map<string, string> {
  const files = new Map<string, string>();
  const index = Object.fromEntries(BACKENDS.map((backend) => [backend, lists[backend].map((tool) => tool.name)]));
  files.set(INDEX, `${JSON.stringify(index, null, 2)}\n`);
  const names = [...new Set(BACKENDS.flatMap((backend) => lists[backend].map((tool) => tool.name)))];
  for (const name of names) {
    const shown = BACKENDS.flatMap((backend) => {
      const tool = lists[backend].find((t) => t.name === name);
      return tool ? [{ backend, text: toolText(tool) }] : [];
    });
    if (new Set(shown.map((s) => s.text)).size === 1) files.set(`${name}.json`, shown[0]!.text);
    else for (const { backend, text } of shown) files.set(`${name}.${backend}.json`, text);
  }
  return files;
}

async function savedFiles(): Promise<Map<string, string>> {
  const names = (await readdir(DIR).catch(() => [] as string[])).filter((name) => name.endsWith(".json"));
  return new Map(await Promise.all(names.map(async (name) => [name, await readFile(join(DIR, name), "utf8")] as const)));
}

/** The tool a snapshot file is for, and the one backend it speaks for when named `<tool>.<backend>.json`. */
function parseFile(file: string): { tool: string; backend?: BackendName } {
  const base = file.replace(/\.json$/, "");
  const backend = BACKENDS.find((b) => base.endsWith(`.${b}`));
  return backend ? { tool: base.slice(0, -backend.length - 1), backend } : { tool: base };
}

interface Folder {
  current: Map<string, string>;
  saved: Map<string, string>;
  lists: Record<BackendName, Tool[]>;
}

/** The other files of the same tool in `files`. */
const siblings = (file: string, files: Map<string, string>) =>
  [...files.keys()].filter((f) => f !== file && f !== INDEX && parseFile(f).tool === parseFile(file).tool);

function explain(file: string, { current, saved, lists }: Folder): string {
  const now = current.get(file);
  const before = saved.get(file);
  if (file === INDEX) return `${INDEX}: the tools a backend lists changed (a tool appeared, disappeared or moved). ${HOW_TO_ACCEPT}`;
  const { tool, backend } = parseFile(file);
  const listing = BACKENDS.filter((b) => lists[b].some((t) => t.name === tool));
  const who = backend ?? listing.join(", ");
  if (before === undefined) {
    const was = siblings(file, saved);
    if (!was.length) return `${file}: new, ${tool} as ${who} shows it, with no snapshot yet. ${HOW_TO_ACCEPT}`;
    return `${file}: ${tool} as ${who} shows it (it was in ${was.join(", ")}). ${HOW_TO_ACCEPT}`;
  }
  if (now === undefined) {
    if (!listing.length) return `${file}: no backend lists ${tool} any more. ${HOW_TO_ACCEPT}`;
    const instead = siblings(file, current);
    return `${file}: the backends now show ${tool} ${instead.length > 1 ? "differently" : "alike"}, see ${instead.join(", ")}. ${HOW_TO_ACCEPT}`;
  }
  return `${file}: what the model sees of ${tool} changed (${who}). ${HOW_TO_ACCEPT}`;
}

let lists: Record<BackendName, Tool[]>;
beforeAll(async () => {
  const [nemo, local] = await Promise.all(BACKENDS.map(listTools));
  lists = { nemo: nemo!, local: local! };
});

describe("tool snapshots (__toolsnaps__/)", () => {
  it("every backend lists tools, and no tool is named like the index", () => {
    for (const backend of BACKENDS) expect(lists[backend].length, backend).toBeGreaterThan(0);
    for (const backend of BACKENDS) expect(lists[backend].map((t) => t.name)).not.toContain(INDEX.replace(/\.json$/, ""));
  });

  it("what the model sees of each tool, on each backend, matches its checked-in file", async () => {
    const current = snapshotFiles(lists);
    const saved = await savedFiles();
    if (UPDATE) {
      await mkdir(DIR, { recursive: true });
      const written = [...current].filter(([file, text]) => saved.get(file) !== text);
      const removed = [...saved.keys()].filter((file) => !current.has(file));
      for (const [file, text] of written) await writeFile(join(DIR, file), text);
      for (const file of removed) await unlink(join(DIR, file));
      const changed = [...written.map(([file]) => `wrote ${file}`), ...removed.map((file) => `removed ${file}`)];
      console.log(changed.length ? `UPDATE_TOOLSNAPS: ${changed.join(", ")} in ${DIR}; review the diff and commit it.` : "UPDATE_TOOLSNAPS: the snapshots were up to date.");
      return;
    }
    const files = [INDEX, ...[...new Set([...current.keys(), ...saved.keys()])].filter((f) => f !== INDEX).sort()];
    for (const file of files) {
      const now = current.get(file);
      const before = saved.get(file);
      if (now === before) continue;
      // Received is the tool now, expected the file: `-` lines are the file's, `+` lines today's.
      expect.soft(now ?? "", explain(file, { current, saved, lists })).toBe(before ?? "");
    }
  });
});
