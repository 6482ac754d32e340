import { VideoMakerError } from "../../core/errors.js";
import { type Command, EXIT, printJson } from "../context.js";

export const claimCommand: Command = {
  name: "claim",
  usage: "claim",
  summary: "print a link that keeps this project in a NemoVideo account",
  async run(context) {
    if (context.config.backend !== "nemo") {
      throw new VideoMakerError("invalid_input", "Claim links belong to NemoVideo projects; the local backend keeps everything on this computer.");
    }
    const { NemoBackend } = await import("../../nemo/backend.js");
    const nemo = new NemoBackend(context.config);
    try {
      const link = await nemo.claimLink({ signal: context.signal });
      if (context.json) printJson(context, { link });
      else context.io.out(link);
      return EXIT.ok;
    } finally {
      await nemo.close();
    }
  },
};
