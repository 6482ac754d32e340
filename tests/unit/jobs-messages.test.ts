import { describe, expect, it } from "vitest";
import { CLI_SURFACE_NAMES } from "../../src/cli/surface-names.js";
import { type JobMessages, jobMessages } from "../../src/core/jobs.js";
import { MCP_SURFACE_NAMES } from "../../src/mcp/surface-names.js";

const mcp = jobMessages(MCP_SURFACE_NAMES);
const cli = jobMessages(CLI_SURFACE_NAMES);
const ID = "edit_0123456789ab";
const TIMELINE = 'Timeline (1 track): 1. Title: "Urban Dreams" (0-3s)';

describe("job messages name the actions of the surface that reads them", () => {
  const table: Array<[string, (say: JobMessages) => string, RegExp, RegExp]> = [
    [
      "an unknown job",
      (say) => say.noSuchJob("export_000000000000"),
      /^There is no job "export_000000000000"\. Job ids come from edit_video or export_video \(e\.g\. "export_1a2b3c4d5e6f"\)\.$/,
      /^There is no job "export_000000000000"\. Job ids come from video-maker edit "<instruction>" or video-maker export \(e\.g\. "export_1a2b3c4d5e6f"\)\.$/,
    ],
    [
      "a refusal while an edit runs",
      (say) => say.editStillRunning(ID),
      /Wait for it with get_job, or cancel it with cancel_job, before starting another edit or an export\.$/,
      /Wait for it with video-maker job edit_0123456789ab --wait, or cancel it with video-maker cancel edit_0123456789ab, before starting another edit or an export\.$/,
    ],
    [
      "an edit lost with its process, timeline unreadable",
      (say) => say.interrupted("edit", ""),
      /may or may not have been applied\. Check the timeline with get_state\. The edit was not resent/,
      /may or may not have been applied\. Check the timeline with video-maker state\. The edit was not resent/,
    ],
    [
      "an export lost before its render started",
      (say) => say.interrupted("export", ""),
      /nothing was rendered\. Check the timeline with get_state\. Nothing was resent automatically: export again with export_video\.$/,
      /nothing was rendered\. Check the timeline with video-maker state\. Nothing was resent automatically: export again with video-maker export\.$/,
    ],
  ];
  for (const [what, say, mcpWords, cliWords] of table) {
    it(what, () => {
      expect(say(mcp)).toMatch(mcpWords);
      expect(say(cli)).toMatch(cliWords);
    });
  }

  it("an edit lost with its process quotes the timeline read afterwards, on either surface", () => {
    for (const say of [mcp, cli]) {
      const text = say.interrupted("edit", TIMELINE);
      expect(text).toContain(`The timeline now reads: ${TIMELINE}.`);
      expect(text).not.toMatch(/Check the timeline with/);
    }
  });

  it("long ids are cut in the refusal, so a pasted paragraph is not echoed back", () => {
    expect(cli.noSuchJob("j".repeat(10_000))).toMatch(/^There is no job "j{37}\.\.\."\./);
  });
});

/** Every sentence a JobMessages can say: each string, and each function called with a job id or (kind, timeline). */
function everything(say: JobMessages): string[] {
  const calls: unknown[][] = [[ID], ["edit", ""], ["export", ""], ["edit", TIMELINE]];
  return Object.values(say).flatMap((value) =>
    typeof value === "string" ? [value] : calls.map((args) => String((value as (...a: unknown[]) => unknown)(...args))),
  );
}

describe("no surface reads the other's names", () => {
  const toolNames = Object.values(MCP_SURFACE_NAMES).filter((name) => /^[a-z]+_[a-z_]+$/.test(name));
  const commands = /video-maker (upload|edit|state|credits|export|job|cancel|new|apply|preview|claim|undo)\b/;

  it("knows the tool names it looks for", () => expect(toolNames).toHaveLength(11));

  it("a CLI sentence never names an MCP tool", () => {
    for (const sentence of everything(cli)) {
      for (const tool of toolNames) expect(sentence, sentence).not.toContain(tool);
    }
  });

  it("an MCP sentence never names a CLI command", () => {
    for (const sentence of everything(mcp)) expect(sentence).not.toMatch(commands);
  });
});

describe("without an editing agent (the local editor) only exports are jobs", () => {
  it.each([
    [MCP_SURFACE_NAMES, "export_video"],
    [CLI_SURFACE_NAMES, "video-maker export"],
  ])("an unknown job names only the export", (names, exportName) => {
    const text = jobMessages(names, { agent: false }).noSuchJob("export_000000000000");
    expect(text).toContain(`Job ids come from ${exportName} (e.g.`);
    expect(text).not.toMatch(/edit/);
  });
});
