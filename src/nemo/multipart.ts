import { createReadStream } from "node:fs";
import { randomBytes } from "node:crypto";

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
  /** Call again to produce the same body for a retry. */
  stream: () => AsyncIterable<Uint8Array>;
}

const CHUNK_BYTES = 1024 * 1024;

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
    for (let index = 0; index < files.length; index++) {
      const file = files[index]!;
      yield heads[index]!;
      let sent = 0;
      for await (const chunk of createReadStream(file.path, { highWaterMark: CHUNK_BYTES })) {
        const bytes = chunk as Buffer;
        sent += bytes.byteLength;
        if (sent > file.size) throw new Error(`${file.name} grew while it was being uploaded`);
        onBytes(index, sent);
        yield bytes;
      }
      if (sent !== file.size) throw new Error(`${file.name} changed size while it was being uploaded`);
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
