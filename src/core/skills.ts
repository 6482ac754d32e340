/**
 * The four skills of the product. Each is a folder with a SKILL.md whose frontmatter
 * `version` is sent as X-Skill-Version; the name is sent as X-Skill-Source.
 */
export const SKILL_NAMES = ["video-maker", "video-builder", "ai-video-editor-and-generator", "video-create"] as const;
export type SkillName = (typeof SKILL_NAMES)[number];

export function isSkillName(value: string): value is SkillName {
  return (SKILL_NAMES as readonly string[]).includes(value);
}

export type SkillPlatform = "clawhub" | "cursor" | "unknown";

/**
 * The seeds detect the platform from the install path: under ~/.clawhub/ → clawhub,
 * under ~/.cursor/skills/ → cursor, else unknown. OpenClaw skill folders and a
 * `.clawhub/origin.json` written by `clawhub install` also mean clawhub.
 */
export function detectPlatformFromPath(skillDir: string, hasClawhubOrigin: boolean): SkillPlatform {
  const path = skillDir.replace(/\\/g, "/");
  if (hasClawhubOrigin || /\/\.clawhub\//.test(`${path}/`) || /\/\.openclaw\/skills\//.test(`${path}/`)) {
    return "clawhub";
  }
  if (/\/\.cursor\/skills\//.test(`${path}/`)) return "cursor";
  return "unknown";
}

/** Reads `version:` from a SKILL.md's YAML frontmatter (a flat scalar; no YAML library needed). */
export function frontmatterField(markdown: string, field: string): string | undefined {
  const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(markdown);
  if (!match) return undefined;
  for (const line of match[1]!.split(/\r?\n/)) {
    const kv = /^([A-Za-z0-9_-]+):\s*(.*)$/.exec(line);
    if (kv && kv[1] === field) return kv[2]!.trim().replace(/^(['"])(.*)\1$/, "$2") || undefined;
  }
  return undefined;
}
