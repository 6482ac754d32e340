import { z } from "zod";
import { ASPECTS, RESOLUTIONS, dimensionsFor, readFormat } from "../format.js";
import { defineOp, fail } from "../ops-common.js";

export const setFormat = defineOp({
  name: "set_format",
  schema: z.strictObject({
    aspect: z.enum(ASPECTS).optional(),
    resolution: z
      .union([z.enum(Object.keys(RESOLUTIONS) as [keyof typeof RESOLUTIONS, ...Array<keyof typeof RESOLUTIONS>]), z.number().int().min(120).max(4320)])
      .optional()
      .describe("The short side: 1080p = 1920x1080 for 16:9, 1080x1920 for 9:16"),
    fps: z.number().min(1).max(60).optional(),
  }),
  guide: { fields: "aspect (16:9, 9:16, 1:1, 4:5), resolution (1080p; 720p, 1440p, 2160p or the short side in px), fps (30)" },
  apply(t, op) {
    if (op.aspect === undefined && op.resolution === undefined && op.fps === undefined) fail('give "aspect", "resolution" or "fps"');
    const current = readFormat({ t: [], m: t.meta });
    const aspect = op.aspect ?? current.aspect;
    const shortSide =
      op.resolution === undefined ? Math.min(current.width, current.height) : typeof op.resolution === "number" ? op.resolution : RESOLUTIONS[op.resolution];
    const { width, height } = dimensionsFor(aspect, shortSide);
    t.meta = { ...t.meta, aspect, width, height, fps: op.fps ?? current.fps };
    return [`Format: ${aspect}, ${width}x${height}, ${op.fps ?? current.fps} fps.`];
  },
});
