import { writeKdenlive } from "./kdenlive.js";
import { writeMlt } from "./mlt.js";
import { notCarriedInMlt } from "./not-carried.js";
import { OTIO_NOT_CARRIED, writeOtio } from "./otio.js";
import type { ProjectPlan } from "./plan.js";

export interface ProjectFormat {
  write: (plan: ProjectPlan) => string;
  /** What this format cannot carry of the plan, in plain words (each format names its own losses). */
  notCarried: (plan: ProjectPlan) => string[];
  /** For people: "Kdenlive project". */
  name: string;
  opensIn: string;
  /** The editor it is for, in the help's list of formats. */
  for: string;
  mimeType: string;
}

/** Every project format, by the name a person asks for, which is also the file's extension. */
export const PROJECT_WRITERS: Readonly<Record<string, ProjectFormat>> = {
  mlt: {
    write: writeMlt,
    notCarried: (plan) => notCarriedInMlt(plan, "mlt"),
    name: "MLT project",
    opensIn: "Shotcut (File > Open), or Kdenlive and melt",
    for: "Shotcut; Kdenlive and melt read it too",
    mimeType: "application/xml",
  },
  kdenlive: {
    write: writeKdenlive,
    notCarried: (plan) => notCarriedInMlt(plan, "kdenlive"),
    name: "Kdenlive project",
    opensIn: "Kdenlive (File > Open)",
    for: "Kdenlive",
    mimeType: "application/xml",
  },
  otio: {
    write: writeOtio,
    notCarried: OTIO_NOT_CARRIED,
    name: "OpenTimelineIO timeline",
    opensIn: "DaVinci Resolve (File > Import > Timeline), or other editors through OTIO's adapters",
    for: "DaVinci Resolve",
    mimeType: "application/json",
  },
};

export const PROJECT_FORMATS = Object.keys(PROJECT_WRITERS) as [string, ...string[]];

/** The formats for a tool's or a command's help: `"mlt" (Shotcut; …), "kdenlive" (Kdenlive)`. */
export function formatsHelp(quote = '"'): string {
  return PROJECT_FORMATS.map((format) => `${quote}${format}${quote} (${PROJECT_WRITERS[format]!.for})`).join(", ");
}
