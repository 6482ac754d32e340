/**
 * How each action is invoked on the surface a person or a model is reading: an MCP tool
 * name, or a CLI command. Core and the backends write their messages with these, so a CLI
 * user is never told to "call apply_edits" and a model never reads a shell command.
 */
export interface SurfaceNames {
  upload: string;
  edit: string;
  state: string;
  credits: string;
  export: string;
  job: string;
  cancel: string;
  newSession: string;
  apply: string;
  preview: string;
  claim: string;
  undo: string;
}

/** For a caller that names no surface (a library user, a test): sentences then name no action. */
export const UNNAMED: SurfaceNames = {
  upload: "", edit: "", state: "", credits: "", export: "", job: "", cancel: "", newSession: "", apply: "", preview: "", claim: "", undo: "",
};

/** " (video-maker new)" after "start a new project", or nothing when the surface has no name for it. */
export function via(name: string): string {
  return name ? ` (${name})` : "";
}
