import { resolve } from "node:path";
import { uploadResultToWire } from "../../core/wire.js";
import { type Command, EXIT, printJson } from "../context.js";
import { progressDisplay } from "../io.js";

export const uploadCommand: Command = {
  name: "upload",
  usage: "upload <paths...> [--url URL]",
  summary: "upload media files (and/or links) to the current project",
  details: "Adds files (paths) and links (--url, cloud only) to the current project. Every file is checked first; rejected ones are listed with the reason and the rest are still added (the exit code is then 3). Paths are relative to the current folder.",
  examples: ["video-maker upload clip1.mp4 clip2.mov music.mp3", "video-maker upload --url https://example.com/clip.mp4"],
  async run(context) {
    const display = context.json ? undefined : progressDisplay(context.io);
    try {
      const result = await context.backend.upload(
        // A person types paths relative to where they are; the backends get them whole.
        { paths: context.args.map((path) => resolve(path)), urls: context.options.url ?? [] },
        { signal: context.signal, ...(display ? { onProgress: display.update } : {}) },
      );
      display?.done();
      if (context.json) printJson(context, uploadResultToWire(result));
      else {
        for (const media of result.uploaded) context.io.out(`uploaded ${media.name} (${media.type})`);
        for (const bad of result.rejected) context.io.err(`not uploaded ${bad.input}: ${bad.reason}`);
      }
      // Anything left out is a failure a script must see, even when the rest went up.
      return result.rejected.length > 0 ? EXIT.input : EXIT.ok;
    } finally {
      display?.done();
    }
  },
};
