import type { SurfaceNames } from "../core/surface.js";

/** A model reads tool names: core's messages say "call get_job", never a shell command. */
export const MCP_SURFACE_NAMES: SurfaceNames = {
  upload: "upload_media",
  edit: "edit_video",
  state: "get_state",
  credits: "get_credits",
  export: "export_video",
  job: "get_job",
  cancel: "cancel_job",
  newSession: "new_session",
  apply: "apply_edits",
  preview: "preview_frame",
  // There is no claim tool: the link comes in the error that asks for it.
  claim: "the claim link",
  undo: "undo_edit",
};
