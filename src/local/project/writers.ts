import { writeKdenlive } from "./kdenlive.js";
import { writeMlt } from "./mlt.js";
import { writeOtio } from "./otio.js";
import type { ProjectPlan } from "./plan.js";

/**
 * Every project format, by the name a person asks for, which is also the file's extension.
 */
export const PROJECT_WRITERS: Readonly<Record<string, (plan: ProjectPlan) => string>> = {
  mlt: writeMlt,
  kdenlive: writeKdenlive,
  otio: writeOtio,
};

export const PROJECT_FORMATS = Object.keys(PROJECT_WRITERS) as [string, ...string[]];

/** What each format is called and where it opens, for people; a format without a line here is named by itself. */
export const FORMAT_NAMES: Readonly<Record<string, { name: string; opensIn: string; for: string; mimeType: string }>> = {
  mlt: { name: "MLT project", opensIn: "Shotcut (File > Open), or Kdenlive and melt", for: "Shotcut; Kdenlive and melt read it too", mimeType: "application/xml" },
  kdenlive: { name: "Kdenlive project", opensIn: "Kdenlive (File > Open)", for: "Kdenlive", mimeType: "application/xml" },
  otio: { name: "OpenTimelineIO timeline", opensIn: "DaVinci Resolve (File > Import > Timeline), or other editors through OTIO's adapters", for: "DaVinci Resolve", mimeType: "application/json" },
};

/** The formats for a tool's or a command's help: `"mlt" (Shotcut; …), "kdenlive" (Kdenlive)`. */
export function formatsHelp(quote = '"'): string {
  return PROJECT_FORMATS.map((format) => `${quote}${format}${quote} (${FORMAT_NAMES[format]?.for ?? format})`).join(", ");
}
