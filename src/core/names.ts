import { VideoMakerError } from "./errors.js";

/**
 * Checks on names a person or a host gives: invisible direction controls in file names, and
 * language codes. A right-to-left override (U+202E) makes "clip\u202E4pm.exe" read as
 * "clipexe.mp4": a name shown to a person must show what it is.
 */

/** Bidi marks, embeddings, overrides and isolates (U+200E/F, U+061C, U+202A–E, U+2066–9). */
export const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

export function bidiControlProblem(name: string): string | undefined {
  return BIDI_CONTROLS.test(name)
    ? "The file name contains invisible direction controls (such as a right-to-left override), which can make it read as something it is not; rename it without them."
    : undefined;
}

/** RFC 5646 asks that at least 35 characters be supported; no tag a person uses is longer. */
export const MAX_LANGUAGE_LENGTH = 35;

/** A BCP 47 shape: a 2–3 letter language, then subtags of 1–8 letters or digits ("en", "zh-Hans", "pt-BR"). */
export const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

/** The language code, or a plain refusal. */
export function checkLanguage(tag: string): string {
  const shown = tag.length > 40 ? `${tag.slice(0, 40)}…` : tag;
  if (tag.length > MAX_LANGUAGE_LENGTH || !LANGUAGE_TAG.test(tag)) {
    const why = tag.length > MAX_LANGUAGE_LENGTH ? ` (${tag.length} characters; a language code has at most ${MAX_LANGUAGE_LENGTH})` : "";
    throw new VideoMakerError("invalid_input", `"${shown}" is not a language code${why}; use one like "en", "zh" or "pt-BR".`);
  }
  return tag;
}
