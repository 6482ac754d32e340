import type { ProgressEvent } from "../core/backend.js";
import { redactSecrets } from "../core/errors.js";

/**
 * Where the CLI writes. Results go to stdout; progress and problems to stderr. On a
 * terminal progress is a redrawn bar; otherwise plain lines, throttled, so logs stay
 * readable. Nothing passes without the secret redactor.
 */

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** stderr is a terminal: progress may redraw a line. */
  tty: boolean;
}

export function processIo(): Io {
  return {
    out: (line) => process.stdout.write(`${redactSecrets(line)}\n`),
    err: (line) => process.stderr.write(`${redactSecrets(line)}\n`),
    tty: process.stderr.isTTY === true,
  };
}

export interface ProgressDisplay {
  update: (event: ProgressEvent) => void;
  /** Ends the display (clears a redrawn line). */
  done: () => void;
}

export interface ProgressOptions {
  /** The seeds ask for a "still working" line at least every 2 minutes while the agent works. */
  stillWorkingEveryMs?: number;
  /** Plain-mode lines with only a new percentage are printed at most this often. */
  plainIntervalMs?: number;
  write?: (text: string) => void;
  now?: () => number;
}

const BAR_WIDTH = 24;

export function progressDisplay(io: Io, options: ProgressOptions = {}): ProgressDisplay {
  const stillEvery = options.stillWorkingEveryMs ?? 120_000;
  const plainEvery = options.plainIntervalMs ?? 2_000;
  const write = options.write ?? ((text: string) => process.stderr.write(redactSecrets(text)));
  const now = options.now ?? Date.now;
  let lastLineAt = now();
  let lastText = "";
  let lastStage = "";
  let redrawn = false;

  const stillWorking = setInterval(() => {
    if (now() - lastLineAt < stillEvery - 100) return;
    emitLine(`⏳ Still working… (${lastText || "waiting"})`);
  }, Math.min(stillEvery, 30_000));
  stillWorking.unref();

  function emitLine(text: string) {
    if (io.tty && redrawn) write("\r\x1b[2K");
    io.err(text);
    redrawn = false;
    lastLineAt = now();
  }

  return {
    update(event) {
      const text = event.message;
      if (io.tty) {
        if (event.stage !== lastStage && redrawn) write("\n");
        lastStage = event.stage;
        lastText = text;
        const line = event.fraction !== undefined ? `${bar(event.fraction)} ${text}` : `… ${text}`;
        write(`\r\x1b[2K${line}`);
        redrawn = true;
        lastLineAt = now();
        return;
      }
      const stageChanged = event.stage !== lastStage;
      const sameWords = stripNumbers(text) === stripNumbers(lastText);
      lastStage = event.stage;
      if (text === lastText) return;
      // A new kind of message always shows; a new percentage shows at most every 2 s.
      if (!stageChanged && sameWords && now() - lastLineAt < plainEvery && event.fraction !== 1) {
        lastText = text;
        return;
      }
      lastText = text;
      emitLine(`… ${text}`);
    },
    done() {
      clearInterval(stillWorking);
      if (io.tty && redrawn) write("\r\x1b[2K");
      redrawn = false;
    },
  };
}

function bar(fraction: number): string {
  const clamped = Math.max(0, Math.min(1, fraction));
  const filled = Math.round(clamped * BAR_WIDTH);
  return `[${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}] ${String(Math.floor(clamped * 100)).padStart(3)}%`;
}

function stripNumbers(text: string): string {
  return text.replace(/\d+(\.\d+)?/g, "#");
}
