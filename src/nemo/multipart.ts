import { randomBytes } from "node:crypto";
import { open } from "node:fs/promises";

/**
 * A multipart/form-data body produced on demand from files on disk: headers, then each
 * file streamed in 1 MiB chunks, never the whole file in memory. Its exact length is
 * known up front, so the request carries Content-Length like `curl -F` does.
 */

export interface MultipartFile {
  path: string;
  /** The name the service sees. */
  name: string;
  size: number;
  contentType: string;
}

export interface MultipartBody {
  contentType: string;
  length: number;
  /**
   * Call again to produce the same body for a retry. Read buffers are reused (see
   * BufferPool): a consumer must write or copy each chunk before asking for more than
   * one further chunk, as a socket writer does; never collect the chunks by reference.
   */
  stream: () => AsyncIterable<Uint8Array>;
}

const CHUNK_BYTES = 1024 * 1024;
/**
 * Sockets buffer at most this much before `write()` says "wait for drain" (undici sets
 * 64 KiB; Node's own default is lower). A chunk larger than this that was handed over
 * proves every byte before it has left the process. See `BufferPool`.
 */
const SOCKET_HIGH_WATER_MARK = 64 * 1024;

export function multipartBody(
  field: string,
  files: MultipartFile[],
  onBytes: (fileIndex: number, sent: number) => void = () => {},
): MultipartBody {
  const boundary = `----video-maker-${randomBytes(12).toString("hex")}`;
  const heads = files.map((file) =>
    Buffer.from(
      `--${boundary}\r\n` +
        `Content-Disposition: form-data; name="${field}"; filename="${escapeFileName(file.name)}"\r\n` +
        `Content-Type: ${file.contentType}\r\n\r\n`,
      "utf8",
    ),
  );
  const crlf = Buffer.from("\r\n");
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const length =
    heads.reduce((sum, head) => sum + head.byteLength, 0) +
    files.reduce((sum, file) => sum + file.size + crlf.byteLength, 0) +
    tail.byteLength;

  async function* stream(): AsyncIterable<Uint8Array> {
    const pool = new BufferPool(CHUNK_BYTES, 3);
    for (let index = 0; index < files.length; index++) {
      const file = files[index]!;
      yield heads[index]!;
      const handle = await open(file.path, "r");
      try {
        let sent = 0;
        for (;;) {
          const buffer = pool.take();
          const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, sent);
          if (bytesRead === 0) {
            pool.giveBack(buffer);
            break;
          }
          sent += bytesRead;
          if (sent > file.size) throw new Error(`${file.name} grew while it was being uploaded`);
          onBytes(index, sent);
          yield buffer.subarray(0, bytesRead);
          // The consumer asked for more: it has handed that chunk to the socket.
          pool.handedOver(buffer, bytesRead);
        }
        if (sent !== file.size) throw new Error(`${file.name} changed size while it was being uploaded`);
      } finally {
        await handle.close();
      }
      yield crlf;
    }
    yield tail;
  }

  return { contentType: `multipart/form-data; boundary=${boundary}`, length, stream };
}

/** As browsers do (WHATWG): quotes and line breaks are percent-encoded, the rest sent as UTF-8. */
export function escapeFileName(name: string): string {
  return name.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/**
 * Reuses a few read buffers instead of allocating one per chunk: at 400 MB/s, fresh
 * buffers pile up as garbage (V8 collects external memory only every ~64 MB), which is
 * what made RSS grow during big uploads.
 *
 * A buffer handed to the socket may still be in flight, so it is recycled only after a
 * later chunk larger than the socket's high-water mark was handed over too: writing that
 * chunk either returned true (nothing else was pending) or waited for 'drain' (everything
 * was flushed), so by then every earlier byte has left the process. Small chunks (a
 * file's tail) never count as such proof.
 */
class BufferPool {
  private readonly free: Buffer[] = [];
  private inFlight: Buffer[] = [];

  constructor(
    private readonly size: number,
    private readonly keep: number,
  ) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(this.size);
  }

  giveBack(buffer: Buffer): void {
    if (this.free.length < this.keep) this.free.push(buffer);
  }

  handedOver(buffer: Buffer, bytes: number): void {
    if (bytes > SOCKET_HIGH_WATER_MARK) {
      for (const earlier of this.inFlight) this.giveBack(earlier);
      this.inFlight = [];
    }
    this.inFlight.push(buffer);
  }
}
