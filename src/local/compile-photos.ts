import type { KenBurns } from "./timeline.js";
import type { Compilation, PlannedSegment } from "./compile-context.js";
import { resolveFit } from "./compile-video.js";

/** Ken Burns pans are cut from the photo fitted at 1.2× the output, zooms from 1.5×. */
export const PHOTO_SCALE: Record<KenBurns, number> = { none: 1, pan_left: 1.2, pan_right: 1.2, zoom_in: 1.5, zoom_out: 1.5 };

/**
 * A photo used more than once with the same fit and size is decoded and fitted once and split
 * to its uses (refs to one frame): an input per use held the whole decoded photo (36 MB for
 * 12 MP) until ffmpeg exits. A photo used once keeps an input of its own, as before.
 */
export class SharedPhotos {
  private readonly uses = new Map<string, number>();
  private readonly handedOut = new Map<string, string[]>();

  constructor(
    private readonly c: Compilation,
    planned: readonly PlannedSegment[],
  ) {
    for (const p of planned) {
      const key = this.keyOf(p);
      if (key) this.uses.set(key, (this.uses.get(key) ?? 0) + 1);
    }
  }

  keyOf(p: PlannedSegment): string | undefined {
    if (p.placeholder || p.media.kind !== "image") return undefined;
    const fit = resolveFit(p.segment.fit, p.media, this.c.format.width, this.c.format.height);
    return `${p.media.id}|${fit}|${PHOTO_SCALE[p.segment.kenBurns ?? "none"]}`;
  }

  shared(p: PlannedSegment): boolean {
    const key = this.keyOf(p);
    return key !== undefined && (this.uses.get(key) ?? 0) > 1;
  }

  /** This use's copy of the fitted photo; `fit` makes the one fitted picture on the first use. */
  take(p: PlannedSegment, fit: () => string): string {
    const key = this.keyOf(p)!;
    let left = this.handedOut.get(key);
    if (!left) {
      left = Array.from({ length: this.uses.get(key)! }, () => this.c.graph.label("ph"));
      this.c.graph.add([fit()], `split=${left.length}`, left);
      this.handedOut.set(key, left);
    }
    return left.shift()!;
  }
}
