import { execFileSync } from "node:child_process";

/**
 * The e2e project (vitest.config.ts) spawns the real bin (dist/cli.js, bundled), so build it once
 * before its tests run. Vitest calls this only when an e2e file is among the files picked: unit
 * and integration tests import src/ and start at once.
 */
export default function setup(): void {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"], { stdio: "inherit" });
  execFileSync(process.execPath, ["scripts/bundle.mjs"], { stdio: "inherit" });
}
