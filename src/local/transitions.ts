/**
 * Transitions by the names people use. Most are ffmpeg's xfade transitions of the same name;
 * two are not:
 *
 * - `dissolve` is a cross-dissolve, what people (and models) mean by the word: the next
 *   picture fades in over the last, every pixel blended evenly. It is the same as `fade`,
 *   and drawn the same way, without xfade. (ffmpeg's xfade `dissolve` is something else: each
 *   pixel jumps from one picture to the other at random, like TV static, and the noise made a
 *   60 s promo 71 MB instead of 22.) A draft that says `dissolve` renders the cross-dissolve.
 * - `pixel_dissolve` is that grainy xfade `dissolve`, for whoever wants it by name.
 *
 * All are in ffmpeg 4.4 and later (`zoomin` from 5.0).
 */
export const TRANSITIONS = [
  "fade", "dissolve", "fadeblack", "fadewhite", "fadegrays", "distance",
  "wipeleft", "wiperight", "wipeup", "wipedown", "wipetl", "wipetr", "wipebl", "wipebr",
  "slideleft", "slideright", "slideup", "slidedown",
  "smoothleft", "smoothright", "smoothup", "smoothdown",
  "circleopen", "circleclose", "circlecrop", "rectcrop", "radial",
  "vertopen", "vertclose", "horzopen", "horzclose",
  "diagtl", "diagtr", "diagbl", "diagbr",
  "hlslice", "hrslice", "vuslice", "vdslice",
  "pixelize", "pixel_dissolve", "hblur", "squeezeh", "squeezev", "zoomin",
] as const;
export type TransitionType = (typeof TRANSITIONS)[number];

/** What the set_transition schema says about `type` (and so `video-maker apply --help`). */
export const TRANSITION_HELP =
  "fade or dissolve: a cross-dissolve (the two are the same); fadeblack / fadewhite: through black or white; " +
  "pixel_dissolve: a grainy pixel-by-pixel dissolve like TV static (larger files); the others are ffmpeg's xfade transitions of the same name; none: a hard cut";

/** A cross-dissolve: the next picture faded in over the last, drawn without xfade. */
export function isCrossDissolve(type: TransitionType): boolean {
  return type === "fade" || type === "dissolve";
}

/** The xfade transition that draws `type`; undefined for a cross-dissolve, which needs no xfade. */
export function xfadeTransition(type: TransitionType): string | undefined {
  if (isCrossDissolve(type)) return undefined;
  return type === "pixel_dissolve" ? "dissolve" : type;
}
