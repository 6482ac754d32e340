import { pathToFileURL } from "node:url";
import { z } from "zod";
import { PROJECT_FORMATS, formatsHelp } from "../../local/project/writers.js";
import { fileNameSchema, outputDirSchema, outputFolder } from "../paths.js";
import { defineTool } from "../tool.js";

/** The timeline as a project file for Shotcut or Kdenlive (local: the cloud keeps no timeline file to hand over). */
export const exportProjectTool = defineTool({
  name: "export_project",
  requires: ["editor"],
  title: "Export the project for another editor (local)",
  description:
    `Save the current timeline as a project file to finish by hand in a real editor: ${formatsHelp()}. ` +
    "It carries every clip's in and out points, photos with their durations, dissolves, the clips' sound levels, music with its level, fades and loop, titles and logos; " +
    "media are referenced by absolute path where they are on this computer, nothing is copied. The answer lists, in plain words, what the format could not carry. " +
    "Instant (no render); an existing file is never overwritten. Use export_video for the finished MP4.",
  inputSchema: {
    format: z.enum(PROJECT_FORMATS, { error: `format must be one of: ${PROJECT_FORMATS.join(", ")}` }).describe(formatsHelp()),
    output_dir: outputDirSchema,
    file_name: fileNameSchema("File name without folders; the format's extension is added when missing"),
  },
  outputSchema: {
    file: z.string().describe("Absolute path of the project file"),
    format: z.string(),
    duration_s: z.number(),
    clips: z.number(),
    music: z.number(),
    texts: z.number(),
    logos: z.number(),
    not_carried: z.array(z.string()).describe("What the format could not carry, in plain words"),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(args, { backend, config }, call) {
    const saved = await backend.editor.exportProject(
      { format: args.format, outputDir: outputFolder(args.output_dir, config.outputDir), ...(args.file_name !== undefined ? { fileName: args.file_name } : {}) },
      { signal: call.signal },
    );
    const holds = [`${saved.clips} clip${saved.clips === 1 ? "" : "s"}`, `${saved.music} music`, `${saved.texts} text${saved.texts === 1 ? "" : "s"}`, `${saved.logos} logo${saved.logos === 1 ? "" : "s"}`];
    const missing = saved.notCarried.length > 0 ? `\nNot carried: ${saved.notCarried.join("; ")}.` : "\nEverything on the timeline is carried.";
    return {
      structured: {
        file: saved.file, format: saved.format, duration_s: saved.durationSeconds, clips: saved.clips, music: saved.music, texts: saved.texts, logos: saved.logos, not_carried: saved.notCarried,
      },
      text:
        `Saved the ${saved.formatName}: ${saved.file} (${holds.join(", ")}; ${saved.durationSeconds} s). Open it in ${saved.opensIn}. ` +
        `The media are referenced where they are on this computer; nothing was copied, so keep them there.${missing}`,
      content: [{ type: "resource_link", uri: pathToFileURL(saved.file).toString(), name: saved.file.split(/[\\/]/).pop()!, mimeType: saved.mimeType, description: `The ${saved.formatName} on this computer` }],
    };
  },
});
