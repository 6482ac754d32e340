/**
 * A small streaming multipart/form-data scanner (RFC 7578 / RFC 2046). It never holds more than
 * one part's header block plus a delimiter's worth of bytes: part bodies are handed to
 * `onPartData` as they pass, so a 500 MB file streams through with constant memory.
 *
 * The trick: the delimiter is `CRLF "--" boundary`; a virtual CRLF is fed first so the opening
 * `--boundary` (no CRLF before it) matches the same way. After each chunk, any bytes that could
 * still be the start of a delimiter (at most `delimiter.length - 1`) are kept back as the tail.
 */

export interface PartHeaders {
  /** Lower-case header names → values (UTF-8 decoded). */
  headers: Record<string, string>;
  /** `name` from Content-Disposition. */
  name?: string;
  /** `filename*` (RFC 5987) if present, else `filename`; undefined when absent. */
  filename?: string;
  contentType?: string;
}

export interface MultipartHandlers {
  onPartBegin(part: PartHeaders): void;
  onPartData(chunk: Buffer): void;
  onPartEnd(): void;
}

export class MultipartError extends Error {
  override name = "MultipartError";
}

const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");
const MAX_HEADER_BYTES = 16 * 1024;

type State = "preamble" | "afterDelimiter" | "headers" | "body" | "end";

export class MultipartScanner {
  private readonly delimiter: Buffer;
  private state: State = "preamble";
  private tail: Buffer = Buffer.from(CRLF);

  constructor(
    boundary: string,
    private readonly handlers: MultipartHandlers,
  ) {
    if (!boundary || boundary.length > 70) throw new MultipartError("bad multipart boundary");
    this.delimiter = Buffer.from(`\r\n--${boundary}`, "latin1");
  }

  /** True once the closing delimiter has been seen. */
  get done(): boolean {
    return this.state === "end";
  }

  write(chunk: Buffer): void {
    if (chunk.length === 0 || this.state === "end") return;
    if (this.tail.length === 0) {
      this.run(chunk);
      return;
    }
    if (this.state === "body" && chunk.length >= this.delimiter.length) {
      // Avoid copying big chunks: look for a delimiter straddling tail|chunk in a small window.
      const window = Buffer.concat([this.tail, chunk.subarray(0, this.delimiter.length - 1)]);
      const at = window.indexOf(this.delimiter);
      const tailLength = this.tail.length;
      if (at >= 0 && at < tailLength) {
        if (at > 0) this.handlers.onPartData(window.subarray(0, at));
        this.handlers.onPartEnd();
        this.state = "afterDelimiter";
        this.tail = Buffer.alloc(0);
        this.run(chunk.subarray(at + this.delimiter.length - tailLength));
        return;
      }
      // No delimiter starts inside the tail: the tail is plain data.
      this.handlers.onPartData(this.tail);
      this.tail = Buffer.alloc(0);
      this.run(chunk);
      return;
    }
    this.run(Buffer.concat([this.tail, chunk]));
  }

  /** Call at the end of input; throws if the closing delimiter never came. */
  end(): void {
    if (this.state !== "end") throw new MultipartError("multipart body ended before the closing boundary");
  }

  private keep(buf: Buffer): void {
    this.tail = Buffer.from(buf); // copy: never pin a large chunk for a few bytes
  }

  private run(input: Buffer): void {
    let buf = input;
    for (;;) {
      switch (this.state) {
        case "end":
          this.tail = Buffer.alloc(0);
          return;
        case "preamble": {
          const at = buf.indexOf(this.delimiter);
          if (at < 0) {
            this.keep(buf.subarray(Math.max(0, buf.length - (this.delimiter.length - 1))));
            return;
          }
          buf = buf.subarray(at + this.delimiter.length);
          this.state = "afterDelimiter";
          break;
        }
        case "afterDelimiter": {
          // Optional transport padding (spaces/tabs), then "--" (close) or CRLF (a part follows).
          let i = 0;
          while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
          if (i > 256) throw new MultipartError("malformed multipart delimiter line");
          if (buf.length - i < 2) {
            this.keep(buf);
            return;
          }
          if (buf[i] === 0x2d && buf[i + 1] === 0x2d) {
            this.state = "end";
            break;
          }
          if (buf[i] === 0x0d && buf[i + 1] === 0x0a) {
            // Keep the CRLF: the header search below looks for CRLF CRLF from here, so an
            // empty header block (CRLF right away) is handled like any other.
            buf = buf.subarray(i);
            this.state = "headers";
            break;
          }
          throw new MultipartError("malformed multipart delimiter line");
        }
        case "headers": {
          const at = buf.indexOf(HEADER_END);
          if (at < 0) {
            if (buf.length > MAX_HEADER_BYTES) throw new MultipartError("multipart part headers too large");
            this.keep(buf);
            return;
          }
          const text = at >= 2 ? buf.subarray(2, at).toString("utf8") : "";
          this.handlers.onPartBegin(parsePartHeaders(text));
          buf = buf.subarray(at + HEADER_END.length);
          this.state = "body";
          break;
        }
        case "body": {
          const at = buf.indexOf(this.delimiter);
          if (at < 0) {
            const safe = Math.max(0, buf.length - (this.delimiter.length - 1));
            if (safe > 0) this.handlers.onPartData(buf.subarray(0, safe));
            this.keep(buf.subarray(safe));
            return;
          }
          if (at > 0) this.handlers.onPartData(buf.subarray(0, at));
          this.handlers.onPartEnd();
          buf = buf.subarray(at + this.delimiter.length);
          this.state = "afterDelimiter";
          break;
        }
      }
    }
  }
}

/** The boundary parameter of a multipart Content-Type, or undefined. */
export function boundaryFromContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const [type, ...rest] = splitParams(contentType);
  if (!type || !/^multipart\/form-data$/i.test(type.trim())) return undefined;
  const params = parseParams(rest);
  return params.boundary || undefined;
}

export function parsePartHeaders(text: string): PartHeaders {
  const headers: Record<string, string> = {};
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const result: PartHeaders = { headers };
  const disposition = headers["content-disposition"];
  if (disposition) {
    const [, ...rest] = splitParams(disposition);
    const params = parseParams(rest);
    if (params.name !== undefined) result.name = params.name;
    const extended = params["filename*"];
    if (extended !== undefined) {
      const m = /^([^']*)'[^']*'(.*)$/.exec(extended);
      try {
        result.filename = decodeURIComponent(m ? (m[2] ?? "") : extended);
      } catch {
        result.filename = m ? (m[2] ?? "") : extended;
      }
    } else if (params.filename !== undefined) {
      result.filename = params.filename;
    }
  }
  if (headers["content-type"]) result.contentType = headers["content-type"];
  return result;
}

/** Splits `a; b="x;y"; c` on semicolons outside quotes. */
function splitParams(value: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quoted && ch === "\\" && i + 1 < value.length) {
      current += ch + value[i + 1]!;
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ";" && !quoted) {
      out.push(current);
      current = "";
      continue;
    }
    current += ch;
  }
  out.push(current);
  return out;
}

function parseParams(parts: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const part of parts) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
      value = value.slice(1, -1).replace(/\\(.)/g, "$1");
      // WHATWG FormData (undici, browsers) percent-escapes these three in quoted names.
      value = value.replace(/%22/g, '"').replace(/%0D/gi, "\r").replace(/%0A/gi, "\n");
    }
    params[key] = value;
  }
  return params;
}
