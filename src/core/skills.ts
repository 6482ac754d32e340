/**
 * The four skills of the product. Each is a folder with a SKILL.md whose frontmatter
 * `metadata.version` is sent as X-Skill-Version; the name is sent as X-Skill-Source.
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

function frontmatterLines(markdown: string): string[] | undefined {
  const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(markdown);
  return match ? match[1]!.split(/\r?\n/) : undefined;
}

const unquote = (value: string): string | undefined => value.trim().replace(/^(['"])(.*)\1$/, "$2") || undefined;

/** Reads a top-level `field:` from a SKILL.md's YAML frontmatter (a flat scalar; no YAML library needed). */
export function frontmatterField(markdown: string, field: string): string | undefined {
  for (const line of frontmatterLines(markdown) ?? []) {
    const kv = /^([A-Za-z0-9_-]+):\s*(.*)$/.exec(line);
    if (kv && kv[1] === field) return unquote(kv[2]!);
  }
  return undefined;
}

/**
 * Reads a direct child of the top-level `metadata:` mapping, e.g. `metadata.version`. The Agent
 * Skills spec allows only name, description, license, compatibility, metadata and allowed-tools at
 * the top, with metadata a map of strings, so a skill's own fields live there. Block style
 * (`metadata:` then indented `key: value` lines) and a one-line JSON object are understood.
 */
export function frontmatterMetadataField(markdown: string, field: string): string | undefined {
  const lines = frontmatterLines(markdown);
  if (!lines) return undefined;
  const start = lines.findIndex((line) => /^metadata:/.test(line));
  if (start === -1) return undefined;
  const inline = lines[start]!.slice("metadata:".length).trim();
  if (inline) {
    try {
      const value = (JSON.parse(inline) as Record<string, unknown>)?.[field];
      return typeof value === "string" && value.trim() ? value.trim() : undefined;
    } catch {
      return undefined;
    }
  }
  let indent: number | undefined;
  for (const line of lines.slice(start + 1)) {
    if (!line.trim() || /^\s*#/.test(line)) continue;
    const depth = /^[ \t]*/.exec(line)![0].length;
    if (depth === 0) break; // the next top-level key: the mapping has ended
    indent ??= depth; // the first child sets the indentation of metadata's own keys
    if (depth !== indent) continue; // deeper lines belong to a nested block such as `openclaw:`
    const kv = /^[ \t]*([A-Za-z0-9_.-]+):\s*(.*)$/.exec(line);
    if (kv && kv[1] === field) return unquote(kv[2]!);
  }
  return undefined;
}

/**
 * The skill's version as sent in X-Skill-Version: `metadata.version`, else the top-level `version`
 * that earlier releases of these SKILL.md files carried (a skill folder installed before the move).
 */
export function skillVersionFrom(markdown: string): string | undefined {
  return frontmatterMetadataField(markdown, "version") ?? frontmatterField(markdown, "version");
}
