import { readFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SKILL_NAMES, frontmatterField } from "../../src/core/skills.js";
import { generatedSectionsIn, renderSkill } from "../../src/skills/generate.js";

/** Every SKILL.md: no drift from the core data, and a frontmatter that AgentSkills and ClawHub accept. */

const folderOf = (name: string) => (name === "video-maker" ? resolve(".") : resolve("skill", name));
const ALLOWED_TOP_LEVEL = new Set(["name", "description", "license", "compatibility", "metadata", "allowed-tools", "version"]);
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

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

    it("has a valid AgentSkills frontmatter", () => {
      expect(match, "frontmatter block").toBeTruthy();
      expect(front.name).toBe(name);
      expect(name === "video-maker" ? "video-maker" : basename(folder)).toBe(front.name);
      expect(front.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(front.name.length).toBeLessThanOrEqual(64);
      expect(typeof front.description).toBe("string");
      expect(front.description.length).toBeGreaterThan(20);
      expect(front.description.length).toBeLessThanOrEqual(1024);
      for (const key of Object.keys(front)) expect(ALLOWED_TOP_LEVEL.has(key), `unexpected key ${key}`).toBe(true);
      if (front.compatibility) expect(String(front.compatibility).length).toBeLessThanOrEqual(500);
    });

    it("has what ClawHub/OpenClaw read: semver version, emoji, NEMO_TOKEN optional, required bins", () => {
      expect(String(front.version)).toMatch(SEMVER);
      expect(frontmatterField(text, "version")).toBe(String(front.version)); // the runtime reader agrees
      const claw = front.metadata?.openclaw;
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
