// bench/startup: time from spawning an MCP server over stdio to its tools/list answer
// (spawn → initialize → notifications/initialized → tools/list), video-maker (`node dist/cli.js`)
// vs the reference @modelcontextprotocol/server-everything, interleaved in the same run.
//   npm run bench:startup           (RUNS=20 by default; BENCH_SMOKE=1 runs 3 and gates nothing)
// The client side is raw newline-delimited JSON-RPC so no SDK import is counted anywhere.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { cpus, totalmem, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const SMOKE = Boolean(process.env.BENCH_SMOKE) && process.env.BENCH_SMOKE !== "0";
const RUNS = SMOKE ? 3 : Number(process.env.RUNS ?? 20);
const PROTOCOL_VERSION = "2025-06-18";
const TIMEOUT_MS = 20_000;
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`RUNS must be a positive integer, got ${process.env.RUNS}`);

const videoMakerEntry = join(root, "dist/cli.js");
const referenceDir = join(root, "node_modules/@modelcontextprotocol/server-everything");
const referencePkg = JSON.parse(await readFile(join(referenceDir, "package.json"), "utf8"));
const referenceEntry = join(referenceDir, typeof referencePkg.bin === "string" ? referencePkg.bin : Object.values(referencePkg.bin)[0]);
const reference = `${referencePkg.name}@${referencePkg.version}`;

// A clean environment: nothing of the caller's NemoVideo/video-maker settings leaks in.
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NEMO_|VIDEO_MAKER_)/.test(k)));
const work = await mkdtemp(join(tmpdir(), "vm-bench-startup-"));
let homes = 0;
const freshHome = () => mkdtemp(join(work, `home-${homes++}-`));

/**
 * Spawns `node ...args`, runs the MCP handshake over its stdio and resolves with the time from
 * just before spawn to the tools/list answer. The child is then killed (after `graceMs`, 0 when
 * timing) and awaited; none of that is timed.
 */
async function measure(args, env, { graceMs = 0 } = {}) {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["pipe", "pipe", "pipe"] });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  child.stdin.on("error", () => {}); // EPIPE if it dies; reported through `failed` below
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
  const send = (message) => child.stdin.write(`${JSON.stringify(message)}\n`);

  const pending = new Map();
  let buffer = "";
  child.stdout.setEncoding("utf8").on("data", (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (!line) continue;
      const message = JSON.parse(line);
      if (message.method !== undefined && message.id !== undefined) {
        // A request from the server (we declare no client capabilities, so none is expected).
        send({ jsonrpc: "2.0", id: message.id, error: { code: -32601, message: "not supported by the benchmark client" } });
      } else if (message.id !== undefined && pending.has(message.id)) {
        pending.get(message.id)(message);
        pending.delete(message.id);
      } // notifications (logging, list_changed, ...) are ignored
    }
  });
  let timer;
  const failed = new Promise((_, reject) => {
    child.once("error", reject);
    exited.then(({ code, signal }) => reject(new Error(`server exited early (code ${code}, signal ${signal})\n${stderr}`)));
    timer = setTimeout(() => reject(new Error(`no tools/list answer within ${TIMEOUT_MS} ms\n${stderr}`)), TIMEOUT_MS);
  });
  failed.catch(() => {});
  const request = (id, method, params) => {
    const answer = new Promise((resolve) => pending.set(id, resolve));
    send({ jsonrpc: "2.0", id, method, params });
    return Promise.race([answer, failed]);
  };

  try {
    const init = await request(1, "initialize", {
      protocolVersion: PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name: "video-maker-bench-startup", version: "1.0.0" },
    });
    if (init.error) throw new Error(`initialize failed: ${JSON.stringify(init.error)}`);
    if (init.result.protocolVersion !== PROTOCOL_VERSION) {
      throw new Error(`${init.result.serverInfo?.name} answered protocol ${init.result.protocolVersion}, not ${PROTOCOL_VERSION}`);
    }
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    const list = await request(2, "tools/list", {});
    const ms = performance.now() - started;
    if (list.error) throw new Error(`tools/list failed: ${JSON.stringify(list.error)}`);
    const tools = list.result?.tools?.length ?? 0;
    if (tools === 0) throw new Error("tools/list returned no tools");
    return { ms, tools };
  } finally {
    clearTimeout(timer);
    if (graceMs) await new Promise((resolve) => setTimeout(resolve, graceMs));
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const hard = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(hard);
    }
  }
}

// Both run the same way: `node <entry>`, a fresh VIDEO_MAKER_HOME, an API base nothing listens on.
const runEnv = async () => ({ ...baseEnv, VIDEO_MAKER_HOME: await freshHome(), NEMO_API_BASE: "http://127.0.0.1:9" });
const videoMaker = async () => measure([videoMakerEntry], await runEnv());
const referenceServer = async () => measure([referenceEntry, "stdio"], await runEnv());

/**
 * Untimed: proves startup up to tools/list makes no network request. The server gets a counting
 * TCP listener as NEMO_API_BASE and a preload that logs every outbound connect and DNS lookup;
 * both must stay silent through the handshake and a short grace period after it.
 */
async function checkNoNetwork() {
  const netLog = join(work, "net.log");
  const preload = ["--import", join(root, "bench/startup/no-network.mjs")];
  let connections = 0;
  const listener = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise((resolve) => listener.listen(0, "127.0.0.1", resolve));
  // An ephemeral port, not :9 — fetch() refuses the Fetch spec's "bad ports" (9 is one) before
  // opening any socket, so a request to :9 would be invisible to both the hook and a listener.
  const base = `http://127.0.0.1:${listener.address().port}`;
  try {
    // Self-test: the hook and the listener must both see a plain fetch(), or their silence
    // below would prove nothing.
    await writeFile(netLog, "");
    await new Promise((resolve, reject) => {
      const probe = spawn(process.execPath, [...preload, "-e", `fetch(${JSON.stringify(base)}).catch(() => {})`], {
        env: { ...baseEnv, BENCH_NET_LOG: netLog },
        stdio: "ignore",
      });
      probe.once("error", reject).once("exit", resolve);
    });
    if (!(await readFile(netLog, "utf8")).includes("connect") || connections === 0) {
      throw new Error("network check self-test failed: a plain fetch() went unseen");
    }

    await writeFile(netLog, "");
    connections = 0;
    const env = { ...baseEnv, VIDEO_MAKER_HOME: await freshHome(), NEMO_API_BASE: base, BENCH_NET_LOG: netLog };
    // Kept alive 500 ms past the answer, so deferred startup work would be caught too.
    const result = await measure([...preload, videoMakerEntry], env, { graceMs: 500 });
    const attempts = (await readFile(netLog, "utf8")).trim();
    if (connections > 0 || attempts) {
      throw new Error(`video-maker touched the network at startup: ${connections} connection(s) to NEMO_API_BASE; ${attempts || "no hook lines"}`);
    }
    return result;
  } finally {
    listener.close();
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const vmMs = [];
const refMs = [];
let vmInfo;
let refInfo;
try {
  const network = await checkNoNetwork();
  console.error(`network check: no connection or DNS lookup through tools/list + 500 ms (${network.tools} tools)`);
  // Warm-up (untimed): the OS page cache holds both servers' files from here on.
  await videoMaker();
  await referenceServer();
  for (let i = 0; i < RUNS; i++) {
    vmInfo = await videoMaker();
    vmMs.push(vmInfo.ms);
    refInfo = await referenceServer();
    refMs.push(refInfo.ms);
    console.error(`run ${i + 1}/${RUNS}: video-maker ${vmInfo.ms.toFixed(1)} ms, reference ${refInfo.ms.toFixed(1)} ms`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

const round1 = (n) => Number(n.toFixed(1));
const vmMedian = median(vmMs);
const refMedian = median(refMs);
const ratio = vmMedian / refMedian;
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}`;
const summary = {
  date: new Date().toISOString().slice(0, 10),
  machine,
  runs: RUNS,
  protocol_version: PROTOCOL_VERSION,
  reference,
  reference_command: `node ${relative(root, referenceEntry)} stdio`,
  video_maker_tools: vmInfo.tools,
  reference_tools: refInfo.tools,
  network_check: "no outbound connection or DNS lookup through the tools/list answer + 500 ms",
  video_maker_median_ms: round1(vmMedian),
  reference_median_ms: round1(refMedian),
  video_maker_range_ms: [round1(Math.min(...vmMs)), round1(Math.max(...vmMs))],
  reference_range_ms: [round1(Math.min(...refMs)), round1(Math.max(...refMs))],
  ratio: Number(ratio.toFixed(2)),
  target: "ratio <= 1.0",
  pass: ratio <= 1.0,
};
console.log(JSON.stringify(summary, null, 2));
// BENCH_SMOKE=1 (CI): prove the benchmark runs end to end; record nothing, gate nothing.
if (!SMOKE) {
  await writeFile(join(root, "bench/startup/last-result.json"), `${JSON.stringify(summary, null, 2)}\n`);
  process.exitCode = summary.pass ? 0 : 1;
}
