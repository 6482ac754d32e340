import { join } from "node:path";

/**
 * The environment a test gives video-maker: the fake NemoVideo service's address and the
 * test's own state and output folders (serviceEnv, for loadConfig in-process), plus what a
 * person's shell adds when the built bin is spawned (binEnv: PATH and a HOME of its own).
 */

/** Where the fake service's links (registration, plans) point: a name that never resolves. */
export const FAKE_WEB_BASE = "https://nemovideo.example";

export interface ServicePlace {
  /** The fake NemoVideo service (`fake.url`). */
  fakeUrl: string;
  /** VIDEO_MAKER_HOME: the state folder (token, session, jobs). */
  home: string;
  /** VIDEO_MAKER_OUTPUT_DIR: where exports land. */
  outDir: string;
}

export function serviceEnv({ fakeUrl, home, outDir }: ServicePlace): Record<string, string> {
  return {
    NEMO_API_BASE: fakeUrl,
    NEMO_WEB_BASE: FAKE_WEB_BASE,
    VIDEO_MAKER_HOME: home,
    VIDEO_MAKER_OUTPUT_DIR: outDir,
  };
}

export interface BinPlace {
  /** The fake NemoVideo service (`fake.url`). */
  fakeUrl: string;
  /** The bin's HOME: a scratch folder of the test's own, never the person's. */
  root: string;
  /** VIDEO_MAKER_HOME (default `<root>/home`). */
  home?: string;
  /** VIDEO_MAKER_OUTPUT_DIR (default `<root>/out`). */
  outDir?: string;
}

/**
 * What a person's shell gives the spawned bin (dist/cli.js): PATH, a HOME of its own, the
 * fake service and the state and output folders; `extra` is laid over the top.
 */
export function binEnv(place: BinPlace, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: place.root,
    ...serviceEnv({ fakeUrl: place.fakeUrl, home: place.home ?? join(place.root, "home"), outDir: place.outDir ?? join(place.root, "out") }),
    ...extra,
  };
}
