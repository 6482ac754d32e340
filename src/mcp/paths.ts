import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/**
 * A path a host model sends. The server runs in whatever folder the host started it from, so a
 * relative path would land somewhere the person never chose (a folder literally named "~" was
 * seen): "~" is the person's home, anything else must be absolute.
 */
export function hostPath(path: string): { ok: true; path: string } | { ok: false; reason: string } {
  if (path === "~" || path.startsWith("~/")) return { ok: true, path: join(homedir(), path.slice(1)) };
  if (isAbsolute(path)) return { ok: true, path };
  return { ok: false, reason: `"${path}" is not an absolute path: give the full path, e.g. ${join(homedir(), path)}` };
}
