import { videoMakerPromptText } from "../src/mcp/prompts.js";
import { everyTool } from "../src/mcp/tools/index.js";

/** The MCP Bundle manifest (spec 0.3), generated so it never drifts from the tools. */
export function buildManifest(pkg: { name: string; version: string; description: string; license: string }) {
  // Every tool a user can get: the cloud's and the local editor's (user_config.backend picks).
  const tools = everyTool();
  return {
    manifest_version: "0.3",
    name: pkg.name,
    display_name: "Video Maker",
    version: pkg.version,
    description: "Turn your own clips, photos and music into a finished 1080p MP4 by describing it.",
    long_description: pkg.description,
    author: { name: "video-maker contributors" },
    license: pkg.license,
    keywords: ["video", "editing", "mp4", "nemovideo", "ffmpeg"],
    server: {
      type: "node",
      entry_point: "server/cli.js",
      mcp_config: {
        command: "node",
        args: ["${__dirname}/server/cli.js"],
        env: {
          NEMO_TOKEN: "${user_config.nemo_token}",
          VIDEO_MAKER_BACKEND: "${user_config.backend}",
          VIDEO_MAKER_OUTPUT_DIR: "${user_config.output_dir}",
        },
      },
    },
    tools: tools.map((tool) => ({ name: tool.name, description: firstSentence(tool.description) })),
    prompts: [
      {
        name: "video-maker",
        description: "Act as the video-maker skill: routing, GUI translation, workflows and errors.",
        arguments: ["request"],
        text: `${videoMakerPromptText()}\n\n## The person's request\n\${arguments.request}`,
      },
    ],
    compatibility: { platforms: ["darwin", "win32", "linux"], runtimes: { node: ">=20.18.0" } },
    user_config: {
      nemo_token: {
        type: "string",
        title: "NemoVideo token",
        description: "Optional. Your NemoVideo token; leave empty to use a free anonymous token (100 credits, 7 days).",
        sensitive: true,
        required: false,
      },
      backend: {
        type: "string",
        title: "Backend",
        description: "nemo (the NemoVideo cloud agent, default) or local (offline, renders with ffmpeg on this computer).",
        default: "nemo",
        required: false,
      },
      output_dir: {
        type: "directory",
        title: "Output folder",
        description: "Where exported videos are saved (default: a video-maker folder in your Videos/Movies folder).",
        required: false,
      },
    },
  };
}

function firstSentence(text: string): string {
  const end = text.search(/\.\s/);
  return end > 0 ? text.slice(0, end + 1) : text;
}
