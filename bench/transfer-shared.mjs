// What bench/upload and bench/download share: the fake NemoVideo server in a process of its own
// with a token and a session ready, the memory sampler their client processes use, and the
// figures' arithmetic.
import { spawn } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));

const attribution = { "x-skill-source": "video-maker", "x-skill-version": "bench", "x-skill-platform": "unknown" };

/** Starts the fake (FakeOptions JSON in `options`), fetches a token and opens a session. */
export async function startFakeService(options) {
  const args = [join(root, "tests/fake-nemo/main.ts"), ...(options ? ["--options", JSON.stringify(options)] : [])];
  const server = spawn(join(root, "node_modules/.bin/tsx"), args, { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    server.stdout.on("data", (data) => {
      const match = /FAKE_NEMO_URL=(\S+)/.exec(String(data));
      if (match) resolve(match[1]);
    });
    server.on("exit", () => reject(new Error("fake server exited")));
  });
  async function api(path, init = {}) {
    const response = await fetch(`${url}${path}`, { ...init, headers: { ...attribution, "content-type": "application/json", ...init.headers } });
    return (await response.json()).data;
  }
  const { token } = await api("/api/auth/anonymous-token", { method: "POST", headers: { "x-client-id": crypto.randomUUID() }, body: "{}" });
  const auth = { authorization: `Bearer ${token}` };
  const { session_id: sessionId } = await api("/api/tasks/me/with-session/nemo_agent", { method: "POST", headers: auth, body: JSON.stringify({ task_name: "project", language: "en" }) });
  return { url, token, sessionId, headers: { ...attribution, ...auth }, api, stop: () => server.kill("SIGTERM") };
}

/** In a client process: RSS after a GC, then its peak every 20 ms until `stop()`. */
export function sampleRss() {
  global.gc?.();
  const baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  return {
    stop() {
      clearInterval(sampler);
      return { baselineRss, peakRss: Math.max(peakRss, process.memoryUsage().rss) };
    },
  };
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Largest RSS growth of a set of client runs, in MB. */
export const peakRssGrowthMb = (runs) => Math.max(...runs.map((run) => (run.peakRss - run.baselineRss) / 1024 / 1024));

export const machine = () => `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}`;
