import type { Config } from "./config.js";
import type { Backend } from "./core/backend.js";
import { VideoMakerError } from "./core/errors.js";
import { NemoBackend } from "./nemo/backend.js";

/** The backend VIDEO_MAKER_BACKEND names. */
export function createBackend(config: Config): Backend & { close: () => Promise<void> } {
  if (config.backend === "nemo") return new NemoBackend(config);
  throw new VideoMakerError(
    "config",
    'The local backend (VIDEO_MAKER_BACKEND=local) is not available in this version yet; unset VIDEO_MAKER_BACKEND to use NemoVideo.',
  );
}
