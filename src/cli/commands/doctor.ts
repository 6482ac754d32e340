import { execFile } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { toVideoMakerError } from "../../core/errors.js";
import { type Command, type CommandContext, EXIT, printJson } from "../context.js";

const run = promisify(execFile);

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** Needed for the configured backend (a failure makes doctor exit non-zero). */
  essential: boolean;
}

/** What a person (or a support thread) needs to know first, without ever printing a token. */
export const doctorCommand: Command = {
  name: "doctor",
  usage: "doctor [--json]",
  summary: "check Node, ffmpeg, the token, the service and the state folder",
  details: "Checks what the configured backend needs and prints one line per check. Exit 0 when every essential check passes, 5 when the NemoVideo service cannot be reached, 4 when something on this computer needs fixing (ffmpeg for the local backend, the token, the state folder).",
  examples: ["video-maker doctor", "video-maker doctor --json"],
  async run(context) {
    const checks: Check[] = [
      checkNode(),
      await checkFfmpeg(context),
      await checkToken(context),
      await checkService(context),
      await checkStateFolder(context),
    ];
    if (context.json) printJson(context, { backend: context.config.backend, checks });
    else {
      context.io.out(`video-maker doctor (backend: ${context.config.backend}, skill: ${context.config.skill} ${context.config.skillVersion}, platform: ${context.config.platform})`);
      for (const check of checks) context.io.out(`${check.ok ? "✓" : check.essential ? "✗" : "!"} ${check.name}: ${check.detail}`);
    }
    return exitFor(checks);
  },
};

function checkNode(): Check {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  const ok = major > 20 || (major === 20 && minor >= 18);
  return { name: "Node.js", ok, essential: true, detail: ok ? `v${process.versions.node}` : `v${process.versions.node}; video-maker needs 20.18 or newer` };
}

async function checkFfmpeg(context: CommandContext): Promise<Check> {
  const essential = context.config.backend === "local";
  try {
    const { stdout } = await run(context.config.ffmpegPath, ["-hide_banner", "-version"], { timeout: 10_000 });
    const version = /ffmpeg version (\S+)/.exec(stdout)?.[1] ?? "unknown version";
    const { stdout: filters } = await run(context.config.ffmpegPath, ["-hide_banner", "-filters"], { timeout: 10_000 });
    const { stdout: encoders } = await run(context.config.ffmpegPath, ["-hide_banner", "-encoders"], { timeout: 10_000 });
    const missing = ["xfade", "drawtext", "zoompan", "sidechaincompress", "silencedetect"].filter((f) => !new RegExp(`\\s${f}\\s`).test(filters));
    if (!/\slibx264\s/.test(encoders)) missing.push("libx264");
    return {
      name: "ffmpeg",
      ok: missing.length === 0,
      essential,
      detail: missing.length === 0 ? `${version} with everything the local backend uses` : `${version}, missing: ${missing.join(", ")} (install a full build, e.g. apt-get install -y ffmpeg)`,
    };
  } catch {
    return { name: "ffmpeg", ok: false, essential, detail: `not found as "${context.config.ffmpegPath}" (needed only for the local backend; apt-get install -y ffmpeg or brew install ffmpeg)` };
  }
}

/** The documented codes: 5 when the service cannot be reached, 4 for this machine's setup (ffmpeg, token, folder). */
function exitFor(checks: readonly Check[]): number {
  const failed = checks.filter((check) => !check.ok && check.essential);
  if (failed.length === 0) return EXIT.ok;
  return failed.some((check) => check.name === "NemoVideo") ? EXIT.upstream : EXIT.account;
}

async function checkToken(context: CommandContext): Promise<Check> {
  if (context.config.backend !== "nemo") return { name: "token", ok: true, essential: false, detail: "not needed for the local backend" };
  if (context.config.userToken) return { name: "token", ok: true, essential: true, detail: "NEMO_TOKEN is set (your account)" };
  try {
    const saved = JSON.parse(await readFile(join(context.config.home, "nemo", "auth.json"), "utf8")) as { token?: string; expires_at?: number };
    if (saved.token && saved.expires_at && saved.expires_at > Date.now()) {
      const days = Math.max(0, Math.round((saved.expires_at - Date.now()) / 86_400_000));
      return { name: "token", ok: true, essential: true, detail: `free anonymous token, expires in about ${days} day(s)` };
    }
  } catch {
    // none stored yet
  }
  return { name: "token", ok: true, essential: true, detail: "a free anonymous token will be fetched on first use" };
}

async function checkService(context: CommandContext): Promise<Check> {
  const agent = context.backend.agent;
  if (!agent) return { name: "NemoVideo", ok: true, essential: false, detail: "not used by the local backend" };
  try {
    const credits = await agent.getCredits({ signal: AbortSignal.any([context.signal, AbortSignal.timeout(20_000)]) });
    return { name: "NemoVideo", ok: true, essential: true, detail: `${context.config.apiBase.origin} answers; ${credits.available} credits available` };
  } catch (error) {
    return { name: "NemoVideo", ok: false, essential: true, detail: `${context.config.apiBase.origin}: ${toVideoMakerError(error).message}` };
  }
}

async function checkStateFolder(context: CommandContext): Promise<Check> {
  const home = context.config.home;
  try {
    const info = await stat(home);
    const mode = info.mode & 0o777;
    const ok = (mode & 0o077) === 0;
    return { name: "state folder", ok, essential: false, detail: ok ? `${home} (private, ${mode.toString(8)})` : `${home} is readable by others (${mode.toString(8)}); run: chmod 700 "${home}"` };
  } catch {
    return { name: "state folder", ok: true, essential: false, detail: `${home} (created on first use, private)` };
  }
}
