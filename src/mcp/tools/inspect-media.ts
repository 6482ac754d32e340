import { z } from "zod";
import { VideoMakerError } from "../../core/errors.js";
import { DEFAULT_MAX_TILES, type InspectTarget, MAX_TILES, describeInspection } from "../../core/inspect.js";
import { inspectionToWire } from "../../core/wire.js";
import { hostPath } from "../paths.js";
import { type Offer, defineTool } from "../tool.js";

const span = z.object({ start_s: z.number(), end_s: z.number() });

/** An editor can also look at its project's media and its timeline; the cloud looks at files. */
export const inspectMediaTool = (offer: Offer) =>
  defineTool({
    name: "inspect_media",
    title: "Look at footage",
    description:
      "Look at footage before deciding what to keep: duration, size, frame rate, rotation and sound; the scene cuts with their times; the pauses and the sound between them " +
      (offer.editor ? "(the same detector apply_edits' remove_silence uses); loudness" : "(silences of 0.5 s or more); loudness") +
      " (EBU R128 integrated LUFS and true peak); and ONE contact sheet, a PNG of labelled tiles at the scene starts (or evenly spaced in a single shot). " +
      (offer.editor
        ? "Give `file` (an absolute path on this computer), `media` (a name or id from the project) or `timeline: true` for a storyboard: a tile per clip or photo, labelled with its segment id. "
        : "Give `file`, an absolute path on this computer (it need not be uploaded). ") +
      "The text lists the same times, for a model that does not see images. A 20-minute recording takes about a minute.",
    inputSchema: {
      file: z.string({ error: "file must be a path" }).min(1, { error: "file cannot be empty" }).optional().describe("Absolute path of a video, photo or audio file (or one under ~)"),
      ...(offer.editor
        ? {
            media: z.string({ error: "media must be a name or id" }).min(1, { error: "media cannot be empty" }).optional().describe("A media item of the project, by name or id"),
            timeline: z.literal(true, { error: "timeline can only be true" }).optional().describe("true: the current timeline as a storyboard"),
          }
        : {}),
      max_tiles: z
        .number({ error: "max_tiles must be a number" })
        .int({ error: "max_tiles must be a whole number" })
        .min(1, { error: "max_tiles must be at least 1" })
        .max(MAX_TILES, { error: `max_tiles can be at most ${MAX_TILES}` })
        .optional()
        .describe(`Tiles on the contact sheet (default ${DEFAULT_MAX_TILES})`),
    },
    outputSchema: {
      subject: z.string(),
      kind: z.enum(["video", "image", "audio", "timeline"]),
      duration_s: z.number().optional(),
      width: z.number().optional(),
      height: z.number().optional(),
      fps: z.number().optional(),
      rotation: z.number().optional(),
      has_video: z.boolean(),
      has_audio: z.boolean(),
      scenes: z.array(z.object({ at_s: z.number(), score: z.number() })).describe("Where each new shot starts"),
      pauses: z.array(span).describe("Silences of 0.5 s or more (below -35 dB)"),
      speech: z.array(span).describe("The sound between the pauses"),
      loudness: z.object({ integrated_lufs: z.number().nullable(), true_peak_dbtp: z.number().nullable(), range_lu: z.number() }).optional(),
      tiles: z.array(z.object({ at_s: z.number(), label: z.string(), segment: z.string().optional() })).describe("The contact sheet's tiles, left to right, top to bottom"),
    },
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async run(args, { backend }, call) {
      const given = [args.file !== undefined, args.media !== undefined, args.timeline === true].filter(Boolean).length;
      if (given !== 1) {
        throw new VideoMakerError("invalid_input", offer.editor ? "Give exactly one of file, media or timeline: true." : "Give the file to look at (an absolute path).");
      }
      let target: InspectTarget;
      if (args.file !== undefined) {
        const path = hostPath(args.file);
        if (!path.ok) throw new VideoMakerError("invalid_input", path.reason);
        target = { file: path.path };
      } else {
        target = typeof args.media === "string" ? { media: args.media } : { timeline: true };
      }
      const report = await backend.inspect(target, {
        signal: call.signal,
        onProgress: (fraction) => call.progress({ stage: "inspect", message: "looking at the footage", fraction }),
        ...(args.max_tiles !== undefined ? { maxTiles: args.max_tiles } : {}),
      });
      return {
        structured: inspectionToWire(report),
        text: describeInspection(report, offer.editor ? { pauseCut: "remove_silence" } : {}),
        ...(report.sheet ? { content: [{ type: "image" as const, data: report.sheet.png.toString("base64"), mimeType: "image/png" }] } : {}),
      };
    },
  });
