import { writeKdenlive } from "./kdenlive.js";
import { writeMlt } from "./mlt.js";
import type { ProjectPlan } from "./plan.js";

/**
 * Every project format, by the name a person asks for, which is also the file's extension.
 * (OTIO joins here: `otio: writeOtio` from ./otio.js, when that writer lands.)
 */
export const PROJECT_WRITERS: Readonly<Record<string, (plan: ProjectPlan) => string>> = {
  mlt: writeMlt,
  kdenlive: writeKdenlive,
};

export const PROJECT_FORMATS = Object.keys(PROJECT_WRITERS) as [string, ...string[]];

/** What each format is called and where it opens, for people; a format without a line here is named by itself. */
export const FORMAT_NAMES: Readonly<Record<string, { name: string; opensIn: string }>> = {
  mlt: { name: "MLT project", opensIn: "Shotcut (File > Open), or Kdenlive and melt" },
  kdenlive: { name: "Kdenlive project", opensIn: "Kdenlive (File > Open)" },
  otio: { name: "OpenTimelineIO timeline", opensIn: "DaVinci Resolve (File > Import > Timeline), or other editors through OTIO's adapters" },
};
