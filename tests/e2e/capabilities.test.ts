import { execFile } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBackend } from "../../src/backends.js";
import { loadConfig } from "../../src/config.js";
import { CAPABILITIES_BY_BACKEND, type BackendName } from "../../src/core/backend.js";
import { JobManager } from "../../src/core/jobs.js";
import { MCP_SURFACE_NAMES } from "../../src/mcp/surface-names.js";
import { offerOf } from "../../src/mcp/tool.js";
import { everyTool, toolsFor } from "../../src/mcp/tools/index.js";
import { makeVideo } from "../integration/media-fixtures.js";

/** Each backend speaks for itself: what it cannot do has no tool, no command and no help line. */

const BIN = resolve("dist/cli.js");
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vm-caps-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function cli(args: string[], backend: BackendName, extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env.PATH,
    HOME: root,
    VIDEO_MAKER_BACKEND: backend,
    // Nothing here may reach a service: a closed loopback port answers at once.
    NEMO_API_BASE: "http://127.0.0.1:9",
    VIDEO_MAKER_HOME: join(root, `home-${backend}`),
    VIDEO_MAKER_OUTPUT_DIR: join(root, "out"),
    ...extraEnv,
  };
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { env, cwd: root, timeout: 30_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function backendFor(name: BackendName) {
  const config = loadConfig({ VIDEO_MAKER_BACKEND: name, VIDEO_MAKER_HOME: join(root, `lazy-${name}`) });
  return createBackend(config);
}

describe("the tool registry follows the backend's capabilities", () => {
  const cases: Array<[BackendName, string[]]> = [
    ["nemo", ["upload_media", "edit_video", "get_state", "get_credits", "export_video", "get_job", "cancel_job", "new_session", "inspect_media"]],
    ["local", ["upload_media", "get_state", "export_video", "get_job", "cancel_job", "new_session", "apply_edits", "preview_frame", "undo_edit", "inspect_media", "render_preview", "export_project"]],
  ];
  it.each(cases)("%s offers exactly its tools", async (name, expected) => {
    const backend = backendFor(name);
    try {
      expect(toolsFor(offerOf(backend)).map((tool) => tool.name)).toEqual(expected);
    } finally {
      await backend.close();
    }
  });

  it("every tool that requires a capability names one some backend has", () => {
    const known = new Set(Object.values(CAPABILITIES_BY_BACKEND).flat());
    for (const tool of everyTool()) for (const capability of tool.requires ?? []) expect(known.has(capability)).toBe(true);
  });

  it("the lazy backend declares its capabilities before its code loads", async () => {
    const nemo = backendFor("nemo");
    const local = backendFor("local");
    try {
      expect([nemo.agent !== undefined, nemo.editor !== undefined]).toEqual([true, false]);
      expect([local.agent !== undefined, local.editor !== undefined]).toEqual([false, true]);
    } finally {
      await Promise.all([nemo.close(), local.close()]);
    }
  });

  it("an edit job runs on the agent it is given", async () => {
    const backend = backendFor("local");
    const jobs = new JobManager(join(root, "jobs-home"), backend, MCP_SURFACE_NAMES);
    const seen: string[] = [];
    const agent = {
      edit: async (instruction: string) => {
        seen.push(instruction);
        return { reply: "done", replied: true, changes: [], timeline: "Timeline (0 tracks): empty", suggestsExport: false };
      },
      getCredits: async () => ({ available: 0, frozen: 0, total: 0 }),
      claimLink: async () => "https://nemovideo.example/claim",
    };
    const job = jobs.startEdit("add a title", agent);
    expect((await jobs.wait(job.id, 5_000)).status).toBe("completed");
    expect(seen).toEqual(["add a title"]);
    await jobs.close();
    await backend.close();
  });
});

describe("the CLI lists and runs only what the backend serves", () => {
  it("local help has no agent commands; cloud help has no editor commands", async () => {
    const local = await cli(["--help"], "local");
    const nemo = await cli(["--help"], "nemo");
    expect(local.code).toBe(0);
    const commandsOf = (help: string) => [...help.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]);
    for (const absent of ["edit", "credits", "claim"]) expect(commandsOf(local.stdout)).not.toContain(absent);
    for (const present of ["apply", "preview", "upload", "export"]) expect(commandsOf(local.stdout)).toContain(present);
    for (const absent of ["apply", "preview"]) expect(commandsOf(nemo.stdout)).not.toContain(absent);
    for (const present of ["edit", "credits", "claim", "inspect"]) expect(commandsOf(nemo.stdout)).toContain(present);
  });

  it.each([
    ["credits", "local", /"credits" works with the NemoVideo backend \(VIDEO_MAKER_BACKEND=nemo\)/],
    ["claim", "local", /"claim" works with the NemoVideo backend/],
    ["apply", "nemo", /"apply" works with the local backend \(VIDEO_MAKER_BACKEND=local\)/],
    ["preview", "nemo", /"preview" works with the local backend/],
  ] as const)("%s on %s is a usage error that names the backend it needs", async (command, backend, message) => {
    const run = await cli([command, "1"], backend);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("a local message names the CLI's commands, never MCP tools", async () => {
    const run = await cli(["export"], "local");
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/Add media \(video-maker upload <files>\), then build the video \(video-maker apply <ops\.json>\)/);
    expect(run.stderr).not.toMatch(/upload_media|apply_edits|new_session/);
  });

  it("say routes an edit on the local backend to apply, not to an agent", async () => {
    const run = await cli(["say", "make it pop"], "local");
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/video-maker apply <ops\.json>/);
  });
});

describe("every command explains itself", () => {
  it("<command> --help shows that command's usage and examples, not the global help", async () => {
    const run = await cli(["export", "--help"], "nemo");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: video-maker export \[--out DIR\] \[--name FILE\]/);
    expect(run.stdout).toMatch(/Examples:\n {2}video-maker export/);
    expect(run.stdout).not.toMatch(/^Commands:/m);
    expect((await cli(["help", "upload"], "nemo")).stdout).toMatch(/^Usage: video-maker upload/);
  });

  it("apply --help lists every op and every field of each, from the op registry", async () => {
    const { OPS } = await import("../../src/local/ops/index.js");
    const run = await cli(["apply", "--help"], "local");
    expect(run.code).toBe(0);
    for (const op of OPS) {
      expect(run.stdout).toMatch(new RegExp(`^${op.name}$`, "m"));
      for (const field of Object.keys(op.schema.shape).filter((name) => name !== "op")) {
        expect(run.stdout, `${op.name}.${field}`).toMatch(new RegExp(`^ {2}${field} +\\S`, "m"));
      }
    }
    expect(run.stdout).toMatch(/fade_in +number, default 0, ≥ 0 ≤ 60/);
    expect(run.stdout).toContain('"op":"fit_duration","seconds":60');
    // Written for a terminal: CLI commands, never the MCP tool names.
    expect(run.stdout).not.toMatch(/apply_edits|preview_frame/);
  });
});

describe("export --project: the timeline for another editor, on the local backend only", () => {
  it("local: empty → the export's not-ready words; a bad format → the list; then the file's path last and what is not carried on stderr", async () => {
    const env = { VIDEO_MAKER_HOME: join(root, "home-project"), VIDEO_MAKER_OUTPUT_DIR: join(root, "projects") };
    const empty = await cli(["export", "--project", "mlt"], "local", env);
    expect(empty.code).toBe(3);
    expect(empty.stderr).toMatch(/The timeline is empty, so there is nothing to render yet\. Add media \(video-maker upload <files>\)/);
    const clip = await makeVideo(root, "project-clip.mp4", 1);
    expect((await cli(["upload", clip], "local", env)).code).toBe(0);
    const apply = await new Promise<number>((done) => {
      const child = execFile(process.execPath, [BIN, "apply", "-"], { env: { PATH: process.env.PATH, HOME: root, VIDEO_MAKER_BACKEND: "local", ...env } }, (error) => done(error ? 1 : 0));
      child.stdin!.end(JSON.stringify([{ op: "add_clip", media: "project-clip.mp4" }, { op: "add_audio", media: "project-clip.mp4", duck: true }]));
    });
    expect(apply).toBe(0);
    const bad = await cli(["export", "--project", "edl"], "local", env);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/"edl" is not a project format here; choose one of: mlt, kdenlive, otio\./);
    const saved = await cli(["export", "--project", "kdenlive", "--name", "finish"], "local", env);
    expect(saved.code).toBe(0);
    expect(saved.stdout.trim().split("\n").at(-1)).toBe(join(root, "projects", "finish.kdenlive"));
    expect(saved.stderr).toMatch(/Saved the Kdenlive project .*open it in Kdenlive/);
    expect(saved.stderr).toMatch(/Not carried: the music's ducking/);
    const json = await cli(["export", "--project", "mlt", "--json"], "local", env);
    expect(JSON.parse(json.stdout)).toMatchObject({ format: "mlt", clips: 1, music: 1, file: expect.stringMatching(/\.mlt$/) });
    // A project file renders nothing: a loudness for it is refused in words, not ignored.
    const loud = await cli(["export", "--project", "otio", "--loudness", "-16"], "local", env);
    expect(loud.code).toBe(3);
    expect(loud.stderr).toMatch(/--loudness is for the MP4 export; a project file \(--project\) renders nothing/);
    const otio = await cli(["export", "--project", "otio", "--json"], "local", env);
    expect(JSON.parse(otio.stdout)).toMatchObject({ format: "otio", clips: 1, music: 1, file: expect.stringMatching(/\.otio$/) });
    const help = await cli(["export", "--help"], "local");
    expect(help.stdout).toMatch(/^Usage: video-maker export \[--project mlt\|kdenlive\|otio\]/);
  }, 60_000);

  it("cloud: no --project in its help, and asking for one names the backend that has it", async () => {
    const help = await cli(["export", "--help"], "nemo");
    expect(help.stdout).not.toMatch(/--project|Shotcut|Kdenlive|Resolve|otio/);
    expect((await cli(["--help"], "nemo")).stdout).not.toMatch(/--project|Shotcut|Kdenlive|Resolve|otio/);
    const asked = await cli(["export", "--project", "mlt"], "nemo");
    expect(asked.code).toBe(3);
    expect(asked.stderr).toMatch(/needs the local backend \(VIDEO_MAKER_BACKEND=local\)/);
  });
});

describe("undo from the command line", () => {
  it("goes back one edit, restores the last good timeline after damage, and exits 3 with nothing left", async () => {
    const clip = await makeVideo(root, "undo-clip.mp4", 1);
    expect((await cli(["upload", clip], "local")).code).toBe(0);
    const apply = (ops: unknown[]) =>
      new Promise<number>((done) => {
        const child = execFile(process.execPath, [BIN, "apply", "-"], {
          env: { PATH: process.env.PATH, HOME: root, VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_HOME: join(root, "home-local") },
        }, (error) => done(error ? 1 : 0));
        child.stdin!.end(JSON.stringify(ops));
      });
    expect(await apply([{ op: "add_clip", media: "undo-clip.mp4" }])).toBe(0);
    expect(await apply([{ op: "add_text", text: "Second", duration: 0.5 }])).toBe(0);

    const back = await cli(["undo"], "local");
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/The timeline is back to the version saved/);
    expect(back.stdout).not.toMatch(/Second/);

    // A cut-short timeline file: reported with the way back, then undo restores the last good one.
    const sessions = join(root, "home-local", "local", "sessions");
    const [project] = await readdir(sessions);
    await truncate(join(sessions, project!, "draft.json"), 10);
    const damaged = await cli(["state"], "local");
    expect(damaged.code).toBe(4);
    expect(damaged.stderr).toMatch(/go back to it with video-maker undo/);
    const restored = await cli(["undo"], "local");
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/replaced by the last good version/);
    expect((await cli(["state"], "local")).stdout).toMatch(/undo-clip\.mp4/);

    expect((await cli(["undo"], "local")).code).toBe(0);
    const none = await cli(["undo"], "local");
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/nothing to undo/i);
  }, 90_000);
});

describe("the CLI takes paths the way a person types them", () => {
  it("inspect looks at a file in either mode, saves the contact sheet beside the exports, and refuses --timeline in cloud mode", async () => {
    await makeVideo(root, "look.mp4", 2);
    for (const backend of ["nemo", "local"] as const) {
      const run = await cli(["inspect", "look.mp4", "--tiles", "2", "--json"], backend);
      expect(run.code, run.stderr).toBe(0);
      const answer = JSON.parse(run.stdout);
      expect(answer).toMatchObject({ subject: "look.mp4", kind: "video", has_audio: true, sheet: expect.stringMatching(/\/out\/look-sheet( \(2\))?\.png$/) });
      expect((await readFile(answer.sheet)).subarray(1, 4).toString()).toBe("PNG");
    }
    const cloudTimeline = await cli(["inspect", "--timeline"], "nemo");
    expect(cloudTimeline.code).toBe(2);
    expect(cloudTimeline.stderr).toBe("Usage: video-maker inspect <file>\n");
    const badTiles = await cli(["inspect", "look.mp4", "--tiles", "99"], "local");
    expect(badTiles.code).toBe(2);
    expect(badTiles.stderr).toMatch(/--tiles .* from 1 to 24/);
    const notMedia = await cli(["inspect", "nothing-called-this"], "nemo");
    expect(notMedia.code).toBe(3);
    expect(notMedia.stderr).toMatch(/Cannot look at .*nothing-called-this: No file exists at this path/);
  }, 90_000);

  it("upload resolves relative paths against the working folder; a partly refused upload exits 3", async () => {
    await makeVideo(root, "relative-clip.mp4", 1);
    const run = await cli(["upload", "relative-clip.mp4", "missing.mp4"], "local");
    expect(run.stdout).toMatch(/uploaded relative-clip\.mp4 \(video\)/);
    expect(run.stderr).toMatch(/missing\.mp4: No file exists at this path/);
    expect(run.code).toBe(3);
  });

  it("preview refuses a moment past the end with the video's length, and saves into the output folder", async () => {
    const home = { VIDEO_MAKER_HOME: join(root, "home-preview"), VIDEO_MAKER_OUTPUT_DIR: join(root, "previews") };
    const env = { PATH: process.env.PATH, HOME: root, VIDEO_MAKER_BACKEND: "local", ...home };
    const run = (args: string[], input?: string) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
        const child = execFile(process.execPath, [BIN, ...args], { env, cwd: root, timeout: 60_000 }, (error, stdout, stderr) =>
          done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
        );
        child.stdin!.end(input ?? "");
      });
    await makeVideo(root, "preview-clip.mp4", 1);
    expect((await run(["upload", "preview-clip.mp4"])).code).toBe(0);
    expect((await run(["apply", "-"], JSON.stringify([{ op: "add_clip", media: "preview-clip.mp4" }]))).code).toBe(0);
    const past = await run(["preview", "99"]);
    expect(past.code).toBe(3);
    expect(past.stderr).toMatch(/The video is 1 s long: choose a moment from 0 to 1 seconds/);
    const saved = await run(["preview", "0.5", "--size", "320"]);
    expect(saved.code).toBe(0);
    expect(saved.stdout.trim()).toBe(join(root, "previews", "preview-0.5s.png"));
  }, 60_000);
});
