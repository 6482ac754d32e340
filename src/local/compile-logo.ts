import { expression, filter } from "./filtergraph.js";
import { framesToMs } from "./format.js";
import { literalInputArgs } from "./input-args.js";
import type { LogoSegment } from "./timeline.js";
import { type Compilation, msText, trimNumber } from "./compile-context.js";

/** Logos and watermarks: each picture scaled once and laid over the video during its time range. */

/** Space between a logo and the frame's edges, as for titles (text-layout.ts). */
const MARGIN_SHARE = 0.06;

export function overlayLogos(c: Compilation, video: string, logos: LogoSegment[], totalFrames: number): string {
  const totalMs = framesToMs(totalFrames, c.rate);
  const visible = logos.filter((logo) => logo.startMs < totalMs && logo.opacity > 0);
  if (visible.length === 0) return video;
  c.use("scale", "overlay");
  const { width, height } = c.format;
  const margin = Math.round(Math.min(width, height) * MARGIN_SHARE);
  const halfFrameMs = framesToMs(1, c.rate) / 2;
  let current = video;
  for (const logo of visible) {
    const source = c.mediaFor(logo.id, logo.mediaId);
    const index = c.addInput([...literalInputArgs(source.path), "-i", source.path], true);
    const picture = c.graph.label("lg");
    // One frame, scaled once (even width, height by aspect); rgba so opacity has an alpha to scale.
    const chain = [
      "trim=end_frame=1",
      "setpts=PTS-STARTPTS",
      filter("scale", { w: Math.max(2, Math.round((width * logo.widthFraction) / 2) * 2), h: -2 }),
      "format=rgba",
    ];
    // colorchannelmixer is built into every ffmpeg (no library behind it), like format and trim.
    if (logo.opacity < 1) chain.push(filter("colorchannelmixer", { aa: trimNumber(logo.opacity) }));
    c.graph.add([`${index}:v:0`], chain, [picture]);
    // Half-frame edges, as for texts: concat's frame times can land a hair early.
    const start = msText(Math.max(0, logo.startMs - halfFrameMs));
    const end = msText(Math.min(logo.startMs + logo.durationMs, totalMs) - halfFrameMs);
    const out = c.graph.label("vl");
    c.graph.add(
      [current, picture],
      [
        filter("overlay", {
          ...placement(logo, margin),
          // The picture is one frame: overlay keeps showing it (the loop) while `enable` says when.
          eof_action: "repeat",
          enable: expression(`between(t,${start},${end})`),
        }),
        "format=yuv420p",
      ],
      [out],
    );
    current = out;
  }
  return current;
}

/** overlay's x/y: W×H is the frame, w×h the logo. */
function placement(logo: LogoSegment, margin: number): { x: string; y: string } {
  if (logo.position === "center") return { x: "(W-w)/2", y: "(H-h)/2" };
  return {
    x: logo.position.endsWith("_left") ? String(margin) : `W-w-${margin}`,
    y: logo.position.startsWith("top") ? String(margin) : `H-h-${margin}`,
  };
}
