import { configDefaults, defineConfig } from "vitest/config";

// CI asks for a JSON report (for its `tests: N passed, M failed` line) through this variable.
const jsonReport = process.env.VITEST_JSON_REPORT;

/**
 * Three projects, so a test that needs no build does not wait for one. `vitest run` runs all
 * three; `--project <name>` or a file path runs less, and only e2e builds (tests/global-setup.ts,
 * which runs only when an e2e file is among those picked).
 */

/** Pure functions and the offline engine from src/: no service, no built bin. */
const UNIT = ["tests/unit/**/*.test.ts", "tests/local/**/*.test.ts"];

/** The MCP server, client and backends in the test's process, against the fake NemoVideo over HTTP: no built bin. */
const INTEGRATION = [
  "tests/fake-nemo/**/*.test.ts",
  "tests/integration/**/*.test.ts",
  "tests/mcp/**/*.test.ts",
  "tests/security/downloads.test.ts",
  "tests/security/drawtext-injection.test.ts",
  "tests/security/http-transport.test.ts",
  "tests/security/http-sessions.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    reporters: jsonReport ? ["default", ["json", { outputFile: jsonReport }]] : ["default"],
    projects: [
      { extends: true, test: { name: "unit", include: UNIT } },
      { extends: true, test: { name: "integration", include: INTEGRATION } },
      {
        extends: true,
        test: {
          // Everything else spawns the built bin (dist/cli.js) or imports dist/ (bench/load's
          // client), so it is built first. A new test file lands here unless listed above:
          // a stale dist/ is never used by mistake.
          name: "e2e",
          include: ["tests/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...UNIT, ...INTEGRATION],
          globalSetup: ["tests/global-setup.ts"],
        },
      },
    ],
  },
});
