import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { BAD_INPUTS, type BadInputCase } from "./cases.js";

/**
 * The table in docs/bad-inputs.md, produced from cases.ts so the doc and the tests cannot
 * disagree. `npx tsx tests/bad-inputs/doc.ts` rewrites it; bad-inputs.test.ts fails on drift.
 */

export const DOC_PATH = fileURLToPath(new URL("../../docs/bad-inputs.md", import.meta.url));
const BEGIN = "<!-- bad-inputs:begin (generated from tests/bad-inputs/cases.ts) -->";
const END = "<!-- bad-inputs:end -->";

/** A message pattern as the words the person reads ("…" where the text varies). */
export function wordsOf(pattern: RegExp): string {
  return pattern.source
    .replace(/(?<!\\)\.[*+]/g, "…")
    .replace(/\\d\+/g, "N")
    .replace(/\{(\d+)\}/g, "")
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    .replace(/\\n/g, "\n")
    .replace(/\\(.)/g, "$1")
    .replace(/^\^|\$$/g, "");
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, "\\n");
}

function mcpCell(row: BadInputCase): string {
  if (!row.mcp) return "—";
  const how = row.outcome === "refused" ? "`isError`" : row.outcome === "rejected" ? "`rejected[]`" : row.outcome === "protocol" ? "error -32602" : "uploaded";
  return `\`${row.mcp.tool}\` → ${how}`;
}

function cliCell(row: BadInputCase): string {
  if (!row.cli) return "—";
  const command = row.cli.argv(PLACEHOLDERS)[0];
  return `\`${command}\` → exit ${row.exit ?? (row.outcome === "accepted" ? 0 : 3)}`;
}

/** Only the command name is shown, so the fixtures' paths are never needed here. */
const PLACEHOLDERS = new Proxy({}, { get: () => "…" }) as never;

export function renderTable(): string {
  const lines = [
    "| # | case | bad input | backend | MCP | CLI | what the person reads | also tested in |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  BAD_INPUTS.forEach((row, index) => {
    const message = row.cliMessage && row.cli && row.mcp ? `MCP: ${wordsOf(row.message)}<br>CLI: ${wordsOf(row.cliMessage)}` : wordsOf(row.cliMessage ?? row.message);
    lines.push(
      `| ${index + 1} | \`${row.id}\` | ${cell(row.input)} | ${row.backend} | ${mcpCell(row)} | ${cliCell(row)} | ${cell(message)} | ${cell(row.alsoIn ?? "")} |`,
    );
  });
  const both = BAD_INPUTS.filter((row) => row.mcp && row.cli).length;
  lines.push("", `${BAD_INPUTS.length} cases (${both} through both faces, ${BAD_INPUTS.filter((r) => r.mcp && !r.cli).length} MCP only, ${BAD_INPUTS.filter((r) => r.cli && !r.mcp).length} CLI only).`);
  return lines.join("\n");
}

export function withTable(doc: string): string {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${DOC_PATH} lacks the ${BEGIN} … ${END} markers`);
  return `${doc.slice(0, start + BEGIN.length)}\n${renderTable()}\n${doc.slice(end)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const doc = await readFile(DOC_PATH, "utf8");
  await writeFile(DOC_PATH, withTable(doc));
  console.log(`wrote ${DOC_PATH}`);
}
