import { type ChildProcess, spawn } from "node:child_process";
import type { Trace } from "../core/debug.js";
import { VideoMakerError, redactSecrets } from "../core/errors.js";
import { ffmpegMissingError } from "./ffmpeg-features.js";

/**
 * The ffmpeg binary: found through FFMPEG_PATH or PATH, its filters and encoders probed
 * once per path (ffmpeg-features.ts), and one function that runs it with progress, cancel and a readable error.
 * Never through a shell: arguments always travel as an array.
 */

export * from "./ffmpeg-features.js";

// --- running ---------------------------------------------------------------------

export interface RunOptions {
  signal?: AbortSignal;
  /** Expected output length, to turn `out_time` into a fraction. */
  durationMs?: number;
  onProgress?: (fraction: number, outTimeMs: number) => void;
  /** How long ffmpeg gets to stop on SIGTERM before SIGKILL. */
  killGraceMs?: number;
  /** Lines of stderr kept for the error message. */
  tailLines?: number;
  /** What is being done, for messages: "render", "preview". */
  activity?: string;
  /** Every stderr line, for runs that read ffmpeg's log (silencedetect). */
  onStderrLine?: (line: string) => void;
  /**
   * With `-progress`: give up when the output time has not moved for this long. A graph
   * waiting for frames an input will never give spins forever while reporting progress.
   */
  stallTimeoutMs?: number;
  /** Give up after this long in any case (for runs without progress, like a preview). */
  timeoutMs?: number;
  /** VIDEO_MAKER_DEBUG: the command line, and how the run ended. */
  trace?: Trace;
}

export const DEFAULT_STALL_TIMEOUT_MS = 60_000;

const MAX_LINE_CHARS = 400;
/** Progress while ffmpeg runs stops short of 1: the output is done only when ffmpeg has exited cleanly. */
const LAST_RUNNING_FRACTION = 0.99;

/** Runs ffmpeg to completion; rejects with a person-facing error carrying the tail of its stderr. */
export function runFfmpeg(path: string, args: readonly string[], options: RunOptions = {}): Promise<void> {
  const activity = options.activity ?? "render";
  const tailLimit = options.tailLines ?? 15;
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new VideoMakerError("cancelled", `The ${activity} was cancelled.`));
      return;
    }
    options.trace?.(`${activity}: ${commandLine(path, args)}`);
    const started = Date.now();
    const child = spawnGuarded(path, args);
    const tail: string[] = [];
    let stderrRest = "";
    let stdoutRest = "";
    let cancelled = false;
    let stuck: string | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let lastOutTimeMs = -1;
    let progressEnded = false;
    let lastAdvance = Date.now();
    const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    const giveUp = (why: string): void => {
      if (stuck || cancelled) return;
      stuck = why;
      child.stopNow();
    };
    const deadline = options.timeoutMs
      ? setTimeout(() => giveUp(`it did not finish within ${secondsText(options.timeoutMs!)} s`), options.timeoutMs)
      : undefined;

    const pushTail = (line: string): void => {
      const trimmed = line.trimEnd();
      if (!trimmed) return;
      tail.push(trimmed.length > MAX_LINE_CHARS ? `${trimmed.slice(0, MAX_LINE_CHARS)}…` : trimmed);
      if (tail.length > tailLimit) tail.shift();
    };

    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      const lines = (stderrRest + chunk).split(/\r?\n|\r/);
      stderrRest = lines.pop() ?? "";
      // Keep the unfinished line bounded: ffmpeg can print very long lines.
      if (stderrRest.length > 4 * MAX_LINE_CHARS) stderrRest = stderrRest.slice(0, 4 * MAX_LINE_CHARS);
      for (const line of lines) {
        options.onStderrLine?.(line);
        pushTail(line);
      }
    });

    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      const lines = (stdoutRest + chunk).split("\n");
      stdoutRest = lines.pop() ?? "";
      for (const line of lines) {
        const outTimeMs = parseOutTime(line);
        if (outTimeMs !== undefined) {
          if (outTimeMs > lastOutTimeMs) {
            lastOutTimeMs = outTimeMs;
            lastAdvance = Date.now();
          } else if (Date.now() - lastAdvance > stallTimeoutMs) {
            giveUp(`it stopped making progress at ${(outTimeMs / 1000).toFixed(1)} s for ${secondsText(stallTimeoutMs)} s; one of the files may be unreadable`);
          }
        }
        if (line.trim() === "progress=end") progressEnded = true;
        // Asked to stop, ffmpeg still writes out what it has and reports "progress=end": that is not progress.
        if (cancelled || stuck || !options.onProgress) continue;
        if (outTimeMs !== undefined) {
          const fraction = options.durationMs ? Math.min(LAST_RUNNING_FRACTION, Math.max(0, outTimeMs / options.durationMs)) : 0;
          options.onProgress(fraction, outTimeMs);
        }
      }
    });

    const onAbort = (): void => {
      cancelled = true;
      child.askToStop();
      killTimer = setTimeout(() => child.stopNow(), options.killGraceMs ?? 2000);
      killTimer.unref();
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });

    child.on("error", (error: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener("abort", onAbort);
      if (deadline) clearTimeout(deadline);
      reject(error.code === "ENOENT" || error.code === "EACCES" ? ffmpegMissingError(path) : error);
    });

    child.on("close", (code, signal) => {
      options.signal?.removeEventListener("abort", onAbort);
      if (killTimer) clearTimeout(killTimer);
      if (deadline) clearTimeout(deadline);
      if (stderrRest) options.onStderrLine?.(stderrRest);
      pushTail(stderrRest);
      options.trace?.(`${activity}: ffmpeg ended (${code !== null ? `exit code ${code}` : `signal ${signal ?? "unknown"}`}) after ${Date.now() - started} ms`);
      const unstartable = code === GUARD_SPAWN_FAILED ? tail.find((line) => line.startsWith(GUARD_MARK)) : undefined;
      if (unstartable) {
        reject(/ENOENT|EACCES/.test(unstartable) ? ffmpegMissingError(path) : new VideoMakerError("config", `ffmpeg could not be started (${unstartable.slice(GUARD_MARK.length)}).`));
      } else if (cancelled) {
        reject(new VideoMakerError("cancelled", `The ${activity} was cancelled.`));
      } else if (stuck) {
        const details = tail.length > 0 ? ` Its last messages:\n${redactSecrets(tail.join("\n"))}` : "";
        reject(new VideoMakerError("local_render_failed", `ffmpeg was stopped during the ${activity}: ${stuck}.${details}`));
      } else if (code === 0) {
        // 100% is said once, when ffmpeg has finished and succeeded.
        if (progressEnded && options.onProgress && options.durationMs) options.onProgress(1, options.durationMs);
        resolve();
      } else {
        reject(new VideoMakerError("local_render_failed", ffmpegEndedMessage(activity, code, signal, tail)));
      }
    });
  });
}

/** ffmpeg's exit code when a signal (SIGTERM, SIGINT) made it stop: it catches them and exits with 255. */
const FFMPEG_SIGNALLED_EXIT = 255;

const SIGNAL_WORDS: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: "killed at once, by another program or by the system when memory ran short",
  SIGTERM: "asked to stop by another program or by the system",
  SIGINT: "interrupted, as by Ctrl+C",
  SIGHUP: "its terminal closed",
  SIGSEGV: "ffmpeg crashed",
  SIGBUS: "ffmpeg crashed",
  SIGILL: "ffmpeg crashed",
  SIGFPE: "ffmpeg crashed",
  SIGABRT: "ffmpeg aborted",
};

/**
 * How an ffmpeg run that failed on its own ended, for the person: a signal is named with what it
 * usually means (a SIGKILL is most often the system out of memory), since ffmpeg then has nothing
 * to say; the output was never published, so the work can simply be done again.
 */
function ffmpegEndedMessage(activity: string, code: number | null, signal: NodeJS.Signals | null, tail: readonly string[]): string {
  const details = tail.length > 0 ? ` Its last messages:\n${redactSecrets(tail.join("\n"))}` : "";
  const again = activity === "render" ? "Nothing was saved and the project is unchanged: it can be exported again." : `Nothing was saved: try the ${activity} again.`;
  if (signal) {
    const words = SIGNAL_WORDS[signal];
    return `ffmpeg was ended by a signal during the ${activity}: ${signal}${words ? ` (${words})` : ""}. ${again}${details}`;
  }
  if (code === FFMPEG_SIGNALLED_EXIT && tail.length === 0) {
    return `ffmpeg was stopped by a signal during the ${activity} (exit code 255: another program or the system asked it to stop). ${again}`;
  }
  return `ffmpeg stopped during the ${activity} (exit code ${code ?? "unknown"}).${details || ` It gave no reason. ${again}`}`;
}

/**
 * ffmpeg does not stop when the process that started it dies: after a `kill -9` of the
 * server it would render on as an orphan, writing a file nobody will publish. So it runs
 * under a small Node guard holding a pipe from us on its stdin. A line "stop" asks ffmpeg to
 * finish (SIGTERM); the pipe closing — `stopNow()`, or this process dying — kills it.
 * ffmpeg's own stdout and stderr go straight through to us.
 */
const GUARD_MARK = "video-maker-guard: ";
const GUARD_SPAWN_FAILED = 127;
const GUARD_SOURCE = `
const { spawn } = require("node:child_process");
const [bin, ...args] = process.argv.slice(1);
const child = spawn(bin, args, { stdio: ["ignore", "inherit", "inherit"], windowsHide: true });
const running = () => child.exitCode === null && child.signalCode === null;
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  input += chunk;
  if (input.includes("stop\\n") && running()) child.kill("SIGTERM");
});
const orphaned = () => { if (running()) child.kill("SIGKILL"); };
process.stdin.on("end", orphaned);
process.stdin.on("error", orphaned);
process.on("SIGINT", () => {});
child.on("error", (error) => {
  process.stderr.write("\\n${GUARD_MARK}" + (error.code || error.message) + "\\n");
  process.exit(${GUARD_SPAWN_FAILED});
});
child.on("exit", (code, signal) => {
  if (signal) {
    process.removeAllListeners("SIGINT");
    process.kill(process.pid, signal);
  }
  process.exit(code ?? 1);
});
`;

interface GuardedChild {
  stdout: NodeJS.ReadableStream & { setEncoding(encoding: BufferEncoding): unknown };
  stderr: NodeJS.ReadableStream & { setEncoding(encoding: BufferEncoding): unknown };
  on: ChildProcess["on"];
  /** SIGTERM to ffmpeg: it finishes writing and exits. */
  askToStop(): void;
  /** SIGKILL to ffmpeg. */
  stopNow(): void;
}

function spawnGuarded(path: string, args: readonly string[]): GuardedChild {
  const guard = spawn(process.execPath, ["-e", GUARD_SOURCE, "--", path, ...args], { stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
  // The guard may be gone already (ffmpeg finished); a write to it then fails harmlessly.
  guard.stdin.on("error", () => {});
  return {
    stdout: guard.stdout,
    stderr: guard.stderr,
    on: guard.on.bind(guard) as ChildProcess["on"],
    askToStop: () => {
      if (guard.stdin.writable) guard.stdin.write("stop\n");
    },
    stopNow: () => guard.stdin.end(),
  };
}

function secondsText(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

/** `out_time_us=` and, despite its name, `out_time_ms=` are both microseconds. */
export function parseOutTime(line: string): number | undefined {
  const match = /^out_time_(?:us|ms)=(\d+)\s*$/.exec(line.trim());
  return match ? Number(match[1]) / 1000 : undefined;
}

/** The command as a person could paste it into a POSIX shell (single-quoted where needed). For traces only: nothing runs it. */
export function commandLine(path: string, args: readonly string[]): string {
  return [path, ...args].map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(" ");
}
