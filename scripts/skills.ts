// npm run skills: rewrites the generated sections of every SKILL.md from the core data.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SKILL_NAMES } from "../src/core/skills.js";
import { renderSkill } from "../src/skills/generate.js";

for (const name of SKILL_NAMES) {
  const file = name === "video-maker" ? "SKILL.md" : join("skill", name, "SKILL.md");
  const before = await readFile(file, "utf8");
  const after = renderSkill(before);
  if (after !== before) {
    await writeFile(file, after);
    console.log(`updated ${file}`);
  } else {
    console.log(`unchanged ${file}`);
  }
}
