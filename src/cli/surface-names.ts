import type { SurfaceNames } from "../core/surface.js";

/**
 * A person at a terminal reads commands they can type. `<…>` marks what they fill in;
 * a message that knows the job fills in `<id>` itself.
 */
export const CLI_SURFACE_NAMES: SurfaceNames = {
  upload: "video-maker upload <files>",
  edit: 'video-maker edit "<instruction>"',
  state: "video-maker state",
  credits: "video-maker credits",
  export: "video-maker export",
  job: "video-maker job <id> --wait",
  cancel: "video-maker cancel <id>",
  newSession: "video-maker new",
  apply: "video-maker apply <ops.json>",
  preview: "video-maker preview <seconds>",
  claim: "video-maker claim",
  undo: "video-maker undo",
};
