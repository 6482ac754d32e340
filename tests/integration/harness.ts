import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, loadConfig } from "../../src/config.js";
import { NemoBackend, type NemoBackendOptions } from "../../src/nemo/backend.js";
import { type FakeNemo, type FakeOptionsInput, startFakeNemo } from "../fake-nemo/server.js";
import { serviceEnv } from "../support/env.js";

/** A fake NemoVideo on loopback, a private state folder, and a client wired to both with fast timings. */

export interface Harness {
  fake: FakeNemo;
  home: string;
  outDir: string;
  config: (env?: NodeJS.ProcessEnv) => Config;
  backend: (env?: NodeJS.ProcessEnv, options?: NemoBackendOptions) => NemoBackend;
  close: () => Promise<void>;
}

export const FAST: NemoBackendOptions = {
  retry: { transientDelaysMs: [20, 40], rateLimitWaitMs: 50, rateLimitMaxWaitMs: 2000 },
  renderTiming: { pollScheduleMs: [10, 20, 40], deadlineMs: 5000 },
  streamLimits: { totalMs: 10_000, idleMs: 2000 },
  dropRecovery: { firstWaitMs: 20, everyMs: 20, unchangedReads: 5 },
};

export async function startHarness(fakeOptions: FakeOptionsInput = {}): Promise<Harness> {
  const fake = await startFakeNemo(fakeOptions);
  const root = await mkdtemp(join(tmpdir(), "vm-test-"));
  const home = join(root, "home");
  const outDir = join(root, "out");
  const backends: NemoBackend[] = [];
  const config = (env: NodeJS.ProcessEnv = {}) =>
    loadConfig({ ...serviceEnv({ fakeUrl: fake.url, home, outDir }), ...env });
  return {
    fake,
    home,
    outDir,
    config,
    backend: (env = {}, options = {}) => {
      const backend = new NemoBackend(config(env), { ...FAST, ...options, language: options.language ?? "en" });
      backends.push(backend);
      return backend;
    },
    close: async () => {
      await Promise.all(backends.map((backend) => backend.close()));
      await fake.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export function requestsTo(fake: FakeNemo, route: string): number {
  return fake.requests.filter((request) => request.route === route).length;
}

/** Gives the current session a non-empty draft, as an upload would, and returns the backend. */
export async function withClip(harness: Harness, env: NodeJS.ProcessEnv = {}): Promise<NemoBackend> {
  const backend = harness.backend(env);
  const state = await backend.getState();
  harness.fake.sessions.get(state.sessionId)!.draft.t.push({ tt: 0, sg: [{ id: "v1", st: 0, d: 10_000, n: "city timelapse" }] });
  return backend;
}
