import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { BackendName } from "./core/backend.js";
import { VideoMakerError, registerSecret } from "./core/errors.js";
import { DEFAULT_LOUDNESS_TARGET, type LoudnessSetting, parseLoudnessSetting } from "./core/loudness.js";
import { registerStateFolder } from "./core/fs-errors.js";
import { PACKAGE_ROOT, PACKAGE_VERSION } from "./package-info.js";
import {
  type SkillName,
  type SkillPlatform,
  SKILL_NAMES,
  detectPlatformFromPath,
  frontmatterField,
  isSkillName,
  skillVersionFrom,
} from "./core/skills.js";

/** Everything the environment decides, read once. Names are the contract in DESIGN.md. */
export interface Config {
  apiBase: URL;
  webBase: URL;
  home: string;
  backend: BackendName;
  skill: SkillName;
  skillVersion: string;
  skillDir: string;
  platform: SkillPlatform;
  outputDir: string;
  /** A token the person supplied (NEMO_TOKEN); when absent an anonymous token is used. */
  userToken?: string;
  ffmpegPath: string;
  ffprobePath: string;
  /** VIDEO_MAKER_DEBUG: trace requests and ffmpeg runs on stderr. */
  debug: boolean;
  /** VIDEO_MAKER_RENDER_SLOTS: how many local renders run at once on this home (the others wait in line). */
  renderSlots: number;
  /** VIDEO_MAKER_LOUDNESS: what local exports are normalised to (LUFS), or "off"; an export may ask for another. */
  loudness: LoudnessSetting;
}

export const DEFAULT_API_BASE = "https://mega-api-prod.nemovideo.ai";
export const DEFAULT_WEB_BASE = "https://nemovideo.com";

export { PACKAGE_ROOT };

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Config {
  const apiBase = parseServiceUrl(env.NEMO_API_BASE?.trim() || DEFAULT_API_BASE, "NEMO_API_BASE");
  const webBase = parseServiceUrl(env.NEMO_WEB_BASE?.trim() || DEFAULT_WEB_BASE, "NEMO_WEB_BASE");

  const backendRaw = (env.VIDEO_MAKER_BACKEND?.trim() || "nemo").toLowerCase();
  if (backendRaw !== "nemo" && backendRaw !== "local") {
    throw new VideoMakerError("config", `VIDEO_MAKER_BACKEND must be "nemo" or "local", not "${backendRaw}".`);
  }

  const skill = resolveSkill(env.VIDEO_MAKER_SKILL, cwd);
  const skillDir = locateSkillDir(skill, cwd);
  const skillVersion = readSkillVersion(skillDir) ?? PACKAGE_VERSION;
  const platform = resolvePlatform(env.VIDEO_MAKER_PLATFORM, skillDir);

  const userToken = env.NEMO_TOKEN?.trim() || undefined;
  registerSecret(userToken);

  const home = resolveHome(env);
  registerStateFolder(home);

  return {
    apiBase,
    webBase,
    home,
    backend: backendRaw,
    skill,
    skillVersion,
    skillDir,
    platform,
    outputDir: resolveOutputDir(env),
    ...(userToken ? { userToken } : {}),
    ffmpegPath: env.FFMPEG_PATH?.trim() || "ffmpeg",
    ffprobePath: env.FFPROBE_PATH?.trim() || "ffprobe",
    debug: parseSwitch(env.VIDEO_MAKER_DEBUG, "VIDEO_MAKER_DEBUG"),
    renderSlots: parseRenderSlots(env.VIDEO_MAKER_RENDER_SLOTS),
    loudness: env.VIDEO_MAKER_LOUDNESS?.trim() ? parseLoudnessSetting(env.VIDEO_MAKER_LOUDNESS, "VIDEO_MAKER_LOUDNESS", "config") : DEFAULT_LOUDNESS_TARGET,
  };
}

export const DEFAULT_RENDER_SLOTS = 1;
const MAX_RENDER_SLOTS = 16;

/** One render at a time by default: each takes the cores it is given, so a second only adds its memory. */
function parseRenderSlots(raw: string | undefined): number {
  const value = raw?.trim();
  if (!value) return DEFAULT_RENDER_SLOTS;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_RENDER_SLOTS) {
    throw new VideoMakerError(
      "config",
      `VIDEO_MAKER_RENDER_SLOTS must be a whole number from 1 to ${MAX_RENDER_SLOTS} (how many local renders run at once), not "${value.length > 20 ? `${value.slice(0, 17)}...` : value}".`,
    );
  }
  return Number(value);
}

const SWITCH_VALUES: Record<string, boolean> = { "1": true, true: true, yes: true, on: true, "0": false, false: false, no: false, off: false };

function parseSwitch(raw: string | undefined, name: string): boolean {
  const value = raw?.trim().toLowerCase();
  if (!value) return false;
  const parsed = SWITCH_VALUES[value];
  if (parsed === undefined) throw new VideoMakerError("config", `${name} must be 1 or 0 (or true/false, yes/no, on/off), not "${raw!.trim()}".`);
  return parsed;
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** https everywhere; plain http only on loopback (tests, local simulators). */
export function isAllowedServiceUrl(url: URL): boolean {
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && isLoopbackHost(url.hostname);
}

export function parseServiceUrl(raw: string, variable: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new VideoMakerError("config", `${variable} is not a valid URL: "${raw}".`);
  }
  if (!isAllowedServiceUrl(url)) {
    throw new VideoMakerError(
      "config",
      `${variable} must use https:// (plain http:// is allowed only for localhost), got "${url.origin}".`,
    );
  }
  url.pathname = url.pathname.replace(/\/+$/, "");
  return url;
}

function resolveHome(env: NodeJS.ProcessEnv): string {
  if (env.VIDEO_MAKER_HOME?.trim()) return resolve(env.VIDEO_MAKER_HOME.trim());
  const configRoot = env.XDG_CONFIG_HOME?.trim() || join(homedir(), ".config");
  return join(configRoot, "video-maker");
}

function resolveOutputDir(env: NodeJS.ProcessEnv): string {
  if (env.VIDEO_MAKER_OUTPUT_DIR?.trim()) return resolve(env.VIDEO_MAKER_OUTPUT_DIR.trim());
  if (env.XDG_VIDEOS_DIR?.trim()) return join(resolve(env.XDG_VIDEOS_DIR.trim()), "video-maker");
  const folder = process.platform === "darwin" ? "Movies" : "Videos";
  return join(homedir(), folder, "video-maker");
}

/** VIDEO_MAKER_SKILL wins; otherwise a CLI run from inside a variant's folder speaks as that variant. */
function resolveSkill(raw: string | undefined, cwd: string): SkillName {
  if (raw?.trim()) {
    const name = raw.trim();
    if (!isSkillName(name)) {
      throw new VideoMakerError("config", `VIDEO_MAKER_SKILL must be one of ${SKILL_NAMES.join(", ")}; got "${name}".`);
    }
    return name;
  }
  const here = skillNameIn(cwd);
  return here ?? "video-maker";
}

function skillNameIn(dir: string): SkillName | undefined {
  const file = join(dir, "SKILL.md");
  if (!existsSync(file)) return undefined;
  const name = frontmatterField(readFileSync(file, "utf8"), "name");
  return name && isSkillName(name) ? name : undefined;
}

function locateSkillDir(skill: SkillName, cwd: string): string {
  if (skillNameIn(cwd) === skill) return cwd;
  return skill === "video-maker" ? PACKAGE_ROOT : join(PACKAGE_ROOT, "skill", skill);
}

function readSkillVersion(skillDir: string): string | undefined {
  const file = join(skillDir, "SKILL.md");
  if (!existsSync(file)) return undefined;
  return skillVersionFrom(readFileSync(file, "utf8"));
}

function resolvePlatform(raw: string | undefined, skillDir: string): SkillPlatform {
  const forced = raw?.trim().toLowerCase();
  if (forced === "clawhub" || forced === "cursor" || forced === "unknown") return forced;
  if (forced) {
    throw new VideoMakerError("config", `VIDEO_MAKER_PLATFORM must be clawhub, cursor or unknown; got "${raw}".`);
  }
  return detectPlatformFromPath(skillDir, existsSync(join(skillDir, ".clawhub", "origin.json")));
}
