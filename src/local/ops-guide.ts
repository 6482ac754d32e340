import { z } from "zod";
import { OPS } from "./ops/index.js";

/** How the reader invokes the editor's actions: MCP tool names, or CLI commands. */
export interface EditorNames {
  apply: string;
  preview: string;
}

/**
 * How a host writes local edits: the ops in brief (one row per op, from the registry) and two
 * worked requests. It goes into the apply_edits tool description and the prompt, so it stays
 * short and exact.
 */

const PROMO_FROM_CLIPS = [
  { op: "set_format", aspect: "16:9", resolution: "1080p", fps: 30 },
  { op: "add_clip", media: "intro.mp4", in: 2, out: 14 },
  { op: "add_clip", media: "product.mov", out: 20 },
  { op: "add_clip", media: "team.mp4", in: 5, out: 25 },
  { op: "add_clip", media: "outro.mp4", fit: "blur" },
  { op: "set_transition", all: true, type: "fade", duration: 0.6 },
  { op: "fit_duration", seconds: 60 },
  { op: "add_text", text: "Meet the new Aurora", at: 0, duration: 4, position: "center", size: "huge" },
  { op: "add_text", text: "Built for speed", at: 14, duration: 3, position: "lower_third", box: true },
  { op: "add_text", text: "Try it today", at: 55, duration: 5, position: "center", size: "large", colour: "#ffcc00" },
  { op: "add_audio", media: "music.mp3", volume: 0.35, fade_in: 1, fade_out: 2, loop: true, duck: true },
];

const PROMO_FROM_PHOTOS = [
  { op: "set_format", aspect: "9:16" },
  { op: "add_image", media: "photo1.jpg", duration: 5, ken_burns: "zoom_in" },
  { op: "add_image", media: "photo2.jpg", duration: 5, ken_burns: "pan_right" },
  { op: "add_image", media: "photo3.jpg", duration: 5, ken_burns: "zoom_out" },
  { op: "add_image", media: "photo4.jpg", duration: 5, ken_burns: "pan_left" },
  { op: "add_image", media: "photo5.jpg", duration: 5, ken_burns: "zoom_in" },
  { op: "add_image", media: "photo6.jpg", duration: 5, ken_burns: "zoom_out" },
  { op: "set_transition", all: true, type: "dissolve", duration: 0.8 },
  { op: "fit_duration", seconds: 30 },
  { op: "add_text", text: "Summer Collection", at: 0, duration: 4, size: "huge" },
  { op: "add_audio", media: "music.mp3", volume: 0.8, fade_in: 1, fade_out: 3, loop: true },
];

const json = (ops: unknown[]): string => `[\n${ops.map((op) => `  ${JSON.stringify(op)}`).join(",\n")}\n]`;

/** The short guide (a table row per op, two worked batches), for the tool description and the prompt. */
export const editOpsGuide = (names: EditorNames): string => `## Local edits: ${names.apply} ops

Send a list of ops; they are applied in order, all or nothing (every problem is reported at once and nothing changes until all are valid). Times are seconds. Media are named by id ("media-2"), file name ("beach.mp4") or absolute path, after upload. Segments are named by the ids the timeline outline shows ("clip-3", "image-1", "text-2", "audio-1", "sub-4"); ids never change.

| op | fields (defaults) |
|---|---|
${OPS.map((op) => `| ${op.name} | ${op.guide.fields} |`).join("\n")}

Clips and photos play one after another on the video track; a transition overlaps two of them, so it shortens the video by its duration. Look before exporting with ${names.preview}.

"Combine these clips into a 60-second promo video with text overlays and transitions":
\`\`\`json
${json(PROMO_FROM_CLIPS)}
\`\`\`

"Turn these photos into a 30-second promo with background music":
\`\`\`json
${json(PROMO_FROM_PHOTOS)}
\`\`\`
`;

/** The guide as the MCP surface reads it. */
export const EDIT_OPS_GUIDE = editOpsGuide({ apply: "apply_edits", preview: "preview_frame" });

/**
 * Every op with every field: its type, default and range, read from the op's own schema (so
 * it cannot drift), then a worked 60-second promo. What `video-maker apply --help` prints.
 */
export function opsReference(names: EditorNames): string {
  const lines = [
    `Operations for ${names.apply}: a JSON list, applied in order, all or nothing. Times are seconds.`,
    "Media: an uploaded file's id (media-2), file name (beach.mp4) or absolute path. Segments: the ids the timeline shows (clip-3, text-2…).",
    "",
  ];
  for (const op of OPS) {
    lines.push(`${op.name}`);
    const schema = z.toJSONSchema(op.schema, { io: "input", unrepresentable: "any" }) as JsonObject;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    for (const [name, field] of Object.entries((schema.properties ?? {}) as Record<string, JsonObject>)) {
      if (name === "op") continue;
      const facts = [typeOf(field), required.has(name) ? "required" : field.default !== undefined ? `default ${JSON.stringify(field.default)}` : "optional", rangeOf(field)];
      const said = typeof field.description === "string" ? ` — ${field.description}` : "";
      lines.push(`  ${name.padEnd(12)} ${facts.filter(Boolean).join(", ")}${said}`);
    }
  }
  lines.push("", 'Example: "Combine these clips into a 60-second promo video with text overlays and transitions"', json(PROMO_FROM_CLIPS));
  lines.push("", `Look at a moment before exporting: ${names.preview}.`);
  return lines.join("\n");
}

type JsonObject = Record<string, unknown>;

function typeOf(field: JsonObject): string {
  if (Array.isArray(field.enum)) return `one of ${(field.enum as unknown[]).join("/")}`;
  if (field.const !== undefined) return JSON.stringify(field.const);
  if (Array.isArray(field.anyOf)) return (field.anyOf as JsonObject[]).map(typeOf).join(" or ");
  if (field.type === "array") return `list of ${typeOf((field.items ?? {}) as JsonObject)}`;
  return typeof field.type === "string" ? field.type : "value";
}

function rangeOf(field: JsonObject): string {
  const parts: string[] = [];
  const min = field.minimum ?? field.exclusiveMinimum;
  if (min !== undefined && Number(min) > Number.MIN_SAFE_INTEGER) parts.push(`${field.exclusiveMinimum !== undefined ? ">" : "≥"} ${String(min)}`);
  // z.int() carries the safe-integer bounds: no limit a person needs to read.
  if (field.maximum !== undefined && Number(field.maximum) < Number.MAX_SAFE_INTEGER) parts.push(`≤ ${String(field.maximum)}`);
  if (field.minLength !== undefined && field.minLength !== 1) parts.push(`at least ${String(field.minLength)} characters`);
  if (field.maxLength !== undefined) parts.push(`at most ${String(field.maxLength)} characters`);
  if (Array.isArray(field.anyOf)) parts.push(...(field.anyOf as JsonObject[]).map(rangeOf).filter(Boolean));
  return parts.join(" ");
}

/** The worked examples as data, so a test can prove they pass validation. */
export const GUIDE_EXAMPLES = { PROMO_FROM_CLIPS, PROMO_FROM_PHOTOS } as const;
