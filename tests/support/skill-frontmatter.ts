import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";

/**
 * The version a skill folder's SKILL.md declares (`metadata.version`), read with a real YAML
 * parser: what tests expect in X-Skill-Version, found independently of the runtime's reader.
 */
export async function declaredSkillVersion(folder: string): Promise<string> {
  const text = await readFile(join(folder, "SKILL.md"), "utf8");
  const front = parse(/^---\r?\n([\s\S]*?)\r?\n---/.exec(text)![1]!) as { metadata?: { version?: unknown } };
  const version = front.metadata?.version;
  if (typeof version !== "string") throw new Error(`${folder}/SKILL.md has no string metadata.version`);
  return version;
}
