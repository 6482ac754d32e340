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
}
