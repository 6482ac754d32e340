import type { BuildOptions } from "esbuild";
export function binBuildOptions(outdir: string, external?: string[], studioHtml?: string): BuildOptions;
