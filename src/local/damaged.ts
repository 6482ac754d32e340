import { readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { VideoMakerError } from "../core/errors.js";
import { type SurfaceNames, UNNAMED, via } from "../core/surface.js";
import type { KeptVersion } from "./draft-history.js";

/**
 * A project file that is there but cannot be read. It is never reset or saved over: the bytes are
 * kept beside it and the person is told which file, where the copy is and what to do next.
 */

export type StateFile = "session.json" | "draft.json" | "media.json";

const WHAT: Record<StateFile, string> = {
  "session.json": "The pointer to the current project (session.json)",
  "draft.json": "The project's timeline (draft.json)",
  "media.json": "The project's media list (media.json)",
};


export class StateDamagedError extends VideoMakerError {
  constructor(
    readonly file: StateFile,
    /** The damaged file, left where it is. */
    readonly path: string,
    /** The copy of its bytes. */
    readonly keptAs: string,
    /** For draft.json: the newest version that can be restored. */
    readonly lastGood: KeptVersion | undefined,
    message: string,
  ) {
    super("state_damaged", message);
  }
}

export interface DamagedFacts {
  file: StateFile;
  path: string;
  reason: string;
  keptAs: string;
  /** `<home>/local`, for the list of projects. */
  root: string;
  lastGood?: KeptVersion;
}

export async function damagedStateError(facts: DamagedFacts, names: SurfaceNames = UNNAMED): Promise<StateDamagedError> {
  const START_NEW = `start a new project${via(names.newSession)}`;
  const { file, path, reason, keptAs, lastGood } = facts;
  // The pointer is replaced by new_session (after its bytes are kept); project files never are.
  const untouched = file === "session.json" ? "" : ", and video-maker will not save over it";
  const head = `${WHAT[file]} cannot be read: ${reason}. The file is ${path}; a copy was kept as ${keptAs}${untouched}.`;
  let next: string;
  if (file === "session.json") {
    const sessions = join(facts.root, "sessions");
    const projects = await projectsIn(sessions);
    const kept = projects.length === 0
      ? `No project folder was found under ${sessions}.`
      : `Your projects are all still there, under ${sessions} (${projects.length === 1 ? "1 project" : `${projects.length} projects`}, newest: ${projects.slice(0, 3).join(", ")}).`;
    next = `${kept} To go on, ${START_NEW}; the old projects stay under ${sessions}.`;
  } else if (file === "draft.json") {
    const folder = dirname(path);
    next = lastGood
      ? names.undo
        ? `The last good version, saved ${lastGood.savedAt}, is kept: go back to it with ${names.undo}, or ${START_NEW} (this one stays in ${folder}).`
        : `The last good version, saved ${lastGood.savedAt}, is ${lastGood.path}: copy it over draft.json to go on from there, or ${START_NEW} (this one stays in ${folder}).`
      : `No earlier version of this timeline was kept. To go on, ${START_NEW}; this one stays in ${folder}.`;
  } else {
    next = `The timeline was not changed. To go on, ${START_NEW} and add the media again; this project stays in ${dirname(path)}.`;
  }
  return new StateDamagedError(file, path, keptAs, lastGood, `${head} ${next}`);
}

/** Project ids, newest first (ids start with their creation time). */
async function projectsIn(sessions: string): Promise<string[]> {
  try {
    const entries = await readdir(sessions, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort().reverse();
  } catch {
    return [];
  }
}
