import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { promisify } from "node:util";
import { readProperties } from "skills-ref";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SKILL_NAMES, skillVersionFrom } from "../../src/core/skills.js";
import { generatedSectionsIn, renderSkill } from "../../src/skills/generate.js";

/**
 * Every SKILL.md: no drift from the core data, and a frontmatter that each reader accepts:
 * - the Agent Skills reference validator (skills-ref, pinned): only name, description, license,
 *   compatibility, metadata and allowed-tools at the top, and the name equal to the folder's name;
 * - OpenClaw, which JSON5-parses `metadata` and reads `metadata.openclaw` only when it is an object
 *   (openclaw/openclaw src/shared/frontmatter.ts, resolveOpenClawManifestBlock);
 * - ClawHub, which reads `metadata.openclaw` only when it is an object too
 *   (openclaw/clawhub convex/lib/skills/index.ts, parseClawdisMetadata);
 * - our own attribution, which sends `metadata.version` as X-Skill-Version.
 */

const run = promisify(execFile);
/** The bin `npx skills-ref` runs (package.json "bin"), started with this Node: no network. */
const SKILLS_REF_BIN = resolve("node_modules/skills-ref/dist/cli.js");

const folderOf = (name: string) => (name === "video-maker" ? resolve(".") : resolve("skill", name));
const SPEC_TOP_LEVEL = new Set(["name", "description", "license", "compatibility", "metadata", "allowed-tools"]);
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * The root SKILL.md is the `video-maker` skill; its folder is the package, which npm installs as
 * node_modules/video-maker. The validator wants the folder named like the skill, whatever this
 * checkout's directory is called, so it sees a copy in a folder named `video-maker`.
 */
const scratch = mkdtemp(join(tmpdir(), "vm-skills-ref-"));
afterAll(async () => rm(await scratch, { recursive: true, force: true }));
async function validatedFolderOf(name: string): Promise<string> {
  if (name !== "video-maker") return folderOf(name);
  const dir = join(await scratch, name);
  await mkdir(dir, { recursive: true });
  await copyFile(join(folderOf(name), "SKILL.md"), join(dir, "SKILL.md"));
  return dir;
}

/** The variant's own seed phrase: each skill keeps its own voice. */
const SIGNATURE: Record<string, RegExp> = {
  "video-maker": /combine these clips into a 60-second promo video with text overlays and transitions/,
  "video-builder": /combine these clips into a 60-second promo video with transitions and text overlays/,
  "ai-video-editor-and-generator": /cut the pauses, add background music, and generate captions/,
  "video-create": /turn these photos into a 30-second promotional video with background music/,
};

for (const name of SKILL_NAMES) {
  describe(`${name}/SKILL.md`, async () => {
    const folder = folderOf(name);
    const text = await readFile(join(folder, "SKILL.md"), "utf8");
    const match = /^---\n([\s\S]*?)\n---\n/.exec(text);
    const front = parse(match?.[1] ?? "") as Record<string, any>;

    it("matches what `npm run skills` generates from the core data", () => {
      expect(generatedSectionsIn(text)).toEqual(["routing", "commands", "gui", "workflows", "errors"]);
      expect(renderSkill(text) === text, `${name}: run "npm run skills" and commit the result`).toBe(true);
    });

    it("passes the Agent Skills reference validator (`skills-ref validate`, offline)", async () => {
      const dir = await validatedFolderOf(name);
      const result = await run(process.execPath, [SKILLS_REF_BIN, "validate", dir]).catch((error: { stdout: string; stderr: string }) => error);
      expect(result.stderr, `skills-ref validate ${dir}`).toBe("");
      expect(result.stdout).toContain(`Valid skill: ${dir}`);
    });

    it("has a valid Agent Skills frontmatter", async () => {
      expect(match, "frontmatter block").toBeTruthy();
      expect(front.name).toBe(name);
      expect(name === "video-maker" ? "video-maker" : basename(folder)).toBe(front.name);
      expect(front.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(front.name.length).toBeLessThanOrEqual(64);
      expect(typeof front.description).toBe("string");
      expect(front.description.length).toBeGreaterThan(20);
      expect(front.description.length).toBeLessThanOrEqual(1024);
      for (const key of Object.keys(front)) expect(SPEC_TOP_LEVEL.has(key), `unexpected top-level key ${key}`).toBe(true);
      if (front.compatibility) expect(String(front.compatibility).length).toBeLessThanOrEqual(500);
      // metadata is a map of strings, except OpenClaw's own block (see the next test).
      for (const [key, value] of Object.entries(front.metadata ?? {})) {
        if (key !== "openclaw") expect(typeof value, `metadata.${key}`).toBe("string");
      }
      // skills-ref reads the version back as written (it turns every metadata value into a string).
      const properties = await readProperties(await validatedFolderOf(name));
      expect(properties.name).toBe(name);
      expect(properties.metadata.version).toBe(front.metadata.version);
    });

    it("has what ClawHub/OpenClaw read: semver metadata.version, emoji, NEMO_TOKEN optional, required bins", () => {
      expect(front.metadata?.version).toMatch(SEMVER);
      expect(skillVersionFrom(text)).toBe(front.metadata.version); // what X-Skill-Version carries
      // OpenClaw turns a YAML `metadata` mapping into JSON and parses it back; ClawHub reads the mapping.
      const claw = JSON.parse(JSON.stringify(front.metadata))?.openclaw;
      expect(typeof claw, "metadata.openclaw must stay an object for OpenClaw and ClawHub").toBe("object");
      expect(claw?.emoji).toBeTruthy();
      expect(claw?.primaryEnv).toBe("NEMO_TOKEN");
      expect(claw?.envVars).toContainEqual(expect.objectContaining({ name: "NEMO_TOKEN", required: false }));
      // A variable in requires.env hides the skill until it is set; NEMO_TOKEN must not be there.
      expect(claw?.requires?.env ?? []).not.toContain("NEMO_TOKEN");
      expect(claw?.requires?.bins).toEqual(expect.arrayContaining(["node"]));
    });

    it("speaks in its own voice and says how to run each action", () => {
      expect(text).toMatch(SIGNATURE[name]!);
      expect(text).toMatch(/\{baseDir\}/);
      for (const command of ["upload", "edit", "state", "credits", "export"]) expect(text).toContain(`video-maker ${command}`);
      expect(text).not.toMatch(/nmv_usr_/);
    });
  });
}
