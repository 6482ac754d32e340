/** The fixed choices a timeline's segments take (fits, Ken Burns moves, text and logo places, text sizes). */

export const FITS = ["cover", "contain", "blur"] as const;
export type Fit = (typeof FITS)[number];

export const KEN_BURNS = ["none", "zoom_in", "zoom_out", "pan_left", "pan_right"] as const;
export type KenBurns = (typeof KEN_BURNS)[number];

export const TEXT_POSITIONS = [
  "top", "center", "bottom", "lower_third", "top_left", "top_right", "bottom_left", "bottom_right",
] as const;
export type TextPosition = (typeof TEXT_POSITIONS)[number];

/** Text sizes in pixels on a 1080-pixel short side; scaled with the output. */
export const TEXT_SIZES = { small: 42, medium: 64, large: 96, huge: 136 } as const;
export type TextSizeName = keyof typeof TEXT_SIZES;

export const LOGO_POSITIONS = ["top_left", "top_right", "bottom_left", "bottom_right", "center"] as const;
export type LogoPosition = (typeof LOGO_POSITIONS)[number];
