import { execFileSync } from "node:child_process";

/** End-to-end tests spawn the real bin (dist/cli.js, bundled), so build it once before any test runs. */
export default function setup(): void {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"], { stdio: "inherit" });
  execFileSync(process.execPath, ["scripts/bundle.mjs"], { stdio: "inherit" });
}
