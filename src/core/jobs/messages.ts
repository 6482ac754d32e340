import type { SurfaceNames } from "../surface.js";
import type { JobKind } from "./store.js";

/**
 * What jobs say to a person (or a model), in one place. Every action is named through the
 * surface's names, so the same refusal reads "get_job" in MCP and "video-maker job … --wait"
 * in a terminal.
 */

export interface JobMessages {
  noSuchJob(id: string): string;
  editStillRunning(id: string): string;
  cancelled: string;
  /** Why a job whose process died cannot be finished, and what to do now. */
  interrupted(kind: JobKind, timeline: string): string;
  /** The first progress line of a job, before the backend reports anything. */
  starting(kind: JobKind): string;
  resuming: string;
  done: string;
}

/** A name with `<id>` in it (a CLI command) gets the job's id, so it can be run as printed. */
function withId(name: string, id: string): string {
  return name.replaceAll("<id>", id);
}

/** `agent`: whether edits are jobs here (a backend with an editing agent); without one only exports are. */
export function jobMessages(names: SurfaceNames, options: { agent: boolean } = { agent: true }): JobMessages {
  const starters = options.agent ? `${names.edit} or ${names.export}` : names.export;
  return {
    noSuchJob: (id) =>
      `There is no job "${id.length > 40 ? `${id.slice(0, 37)}...` : id}". Job ids come from ${starters} (e.g. "export_1a2b3c4d5e6f").`,
    editStillRunning: (id) =>
      `An edit is still running (job ${id}). Wait for it with ${withId(names.job, id)}, or cancel it with ${withId(names.cancel, id)}, before starting another edit or an export.`,
    cancelled: "The job was cancelled.",
    interrupted: (kind, timeline) => {
      const what =
        kind === "edit"
          ? "video-maker stopped while the agent was working on this edit, so its answer was lost. It may or may not have been applied"
          : "video-maker stopped before the render had started, so nothing was rendered";
      const now = timeline ? ` The timeline now reads: ${timeline}.` : ` Check the timeline with ${names.state}.`;
      const next =
        kind === "edit"
          ? "The edit was not resent automatically: check the timeline before sending it again, since sending it twice could apply it twice and charge twice."
          : `Nothing was resent automatically: export again with ${names.export}.`;
      return `${what}.${now} ${next}`;
    },
    starting: (kind) => (kind === "edit" ? "sending the instruction" : "starting the render"),
    resuming: "resuming the render after a restart",
    done: "done",
  };
}
