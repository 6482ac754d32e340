import { redactSecrets } from "../core/errors.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type { ProgressEvent } from "../core/backend.js";

/**
 * `notifications/progress` for one tool call. The spec asks that each notification's
 * `progress` be larger than the last one's, and that `total` be sent only when known.
 */

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Keeps a silent wait alive: hosts reset their timeout on progress, people see it is working. */
export const KEEPALIVE_MS = 15_000;
const THROTTLE_MS = 250;

export interface ProgressValue {
  progress: number;
  total?: number;
}

/**
 * The numbers a call's notifications carry. A stage that knows how far along it is (a
 * render, a download, an upload) is sent as its percent with `total: 100`, so a host can
 * draw a bar. What cannot be said that way without going backwards or misdrawing the bar
 * — a line with no fraction (the agent's steps), a stage that starts again below the last
 * value sent (the download after the render reached 100 %) — is sent a hundredth above the
 * last value and without `total`: the host shows activity but no bar, and the bar comes
 * back as soon as a stage's percent passes the last value. Hundredths, not whole steps,
 * so a run of such lines does not climb past the percents that follow them. The keepalive
 * repeats the last line, so it keeps the last total while it stays below it.
 */
export function progressScale(): (percent: number | undefined, options?: { repeat?: boolean }) => ProgressValue {
  let last: number | undefined;
  let lastTotal: number | undefined;
  return (percent, options = {}) => {
    if (percent !== undefined && (last === undefined || percent > last)) {
      last = percent;
      lastTotal = 100;
      return { progress: percent, total: 100 };
    }
    const next = last === undefined ? 0 : Math.round(last * 100 + 1) / 100;
    const total = options.repeat && lastTotal !== undefined && next < lastTotal ? lastTotal : undefined;
    last = next;
    lastTotal = total;
    return total === undefined ? { progress: next } : { progress: next, total };
  };
}

/** A stage's fraction as the whole percent a host draws (the lines say "render 57%" too). */
function percentOf(event: ProgressEvent): number | undefined {
  return event.fraction === undefined ? undefined : Math.floor(Math.min(1, Math.max(0, event.fraction)) * 100);
}

/**
 * Sends the call's progress when the caller gave a progress token. Lines are forwarded at
 * most every 250 ms (the latest one wins, none is lost at the end of a burst), and the last
 * one is repeated every 15 s while nothing new happens, so a long wait never looks dead.
 */
export function progressReporter(extra: Extra): { send: (event: ProgressEvent) => void; stop: () => void } {
  const token = extra._meta?.progressToken;
  if (token === undefined) return { send: () => {}, stop: () => {} };
  const scale = progressScale();
  let lastSent = 0;
  let last: ProgressEvent | undefined;
  let pending: ProgressEvent | undefined;
  let trailing: NodeJS.Timeout | undefined;
  let stopped = false;
  const emit = (message: string, percent: number | undefined, repeat = false) => {
    if (stopped) return;
    lastSent = Date.now();
    const value = scale(percent, { repeat });
    void extra
      .sendNotification({ method: "notifications/progress", params: { progressToken: token, ...value, message: redactSecrets(message) } })
      .catch(() => {});
  };
  const keepalive = setInterval(() => {
    if (Date.now() - lastSent < KEEPALIVE_MS - 50) return;
    emit(last?.message ? `still working: ${last.message}` : "still working", undefined, true);
  }, KEEPALIVE_MS);
  keepalive.unref();
  return {
    send: (event) => {
      if (event.message === last?.message) return;
      last = event;
      const wait = THROTTLE_MS - (Date.now() - lastSent);
      if (wait <= 0) return emit(event.message, percentOf(event));
      pending = event;
      trailing ??= setTimeout(() => {
        trailing = undefined;
        if (pending !== undefined) emit(pending.message, percentOf(pending));
        pending = undefined;
      }, wait);
    },
    stop: () => {
      clearInterval(keepalive);
      clearTimeout(trailing);
      // The result is about to go out; a last pending line would only arrive after it.
      stopped = true;
    },
  };
}
