import { rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { VideoMakerError, isVideoMakerError } from "../core/errors.js";
import { prepareOutputDir, publishFile, temporaryPathFor } from "../core/output.js";

/**
 * A file the CLI makes for a person (a preview frame, a contact sheet): beside the exports by
 * default, or where `--out` says (a file, or a folder to put it in); written whole or not at all,
 * never over an existing file. Returns where it went.
 */
export async function saveBesideExports(request: { out: string | undefined; outputDir: string; name: string; bytes: Buffer; what: string }): Promise<string> {
  const wanted = resolve(request.out ?? join(request.outputDir, request.name));
  const inFolder = await stat(wanted).then((info) => info.isDirectory(), () => false);
  const target = inFolder ? join(wanted, request.name) : wanted;
  await prepareOutputDir(dirname(target));
  const temp = temporaryPathFor(target);
  try {
    await writeFile(temp, request.bytes, { flag: "wx" });
    return await publishFile(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw isVideoMakerError(error) ? error : new VideoMakerError("invalid_input", `Cannot save the ${request.what} as ${target}; choose another --out.`);
  }
}
