import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MAX_UPLOAD_BYTES,
  MEDIA_FORMATS,
  acceptedExtensionsText,
  extensionMatchesContent,
  extensionOf,
  formatForExtension,
  isAcceptedExtension,
  sniffMediaType,
  type SniffedMedia,
} from "../../src/core/media.js";

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === "string" ? [...p].map((c) => c.charCodeAt(0)) : p)));

/** An ISO box header: size, "ftyp", major brand, minor version, compatible brands. */
const ftyp = (brand: string, ...compatible: string[]) =>
  bytes([0, 0, 0, 0x20], "ftyp", brand, [0, 0, 2, 0], ...compatible);
const riff = (form: string) => bytes("RIFF", [0x24, 0, 0, 0], form);
/** EBML header with a DocType element (0x4282, one-byte size). */
const ebml = (docType: string) =>
  bytes([0x1a, 0x45, 0xdf, 0xa3, 0xa3, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01, 0x42, 0x82, 0x80 | docType.length], docType);

describe("MEDIA_FORMATS", () => {
  it("lists the seed's formats with their type", () => {
    expect(MEDIA_FORMATS.map((f) => f.ext)).toEqual([
      "mp4", "mov", "avi", "webm", "mkv", "jpg", "jpeg", "png", "gif", "webp", "mp3", "wav", "m4a", "aac",
    ]);
    expect(formatForExtension(".JPEG")).toMatchObject({ format: "jpg", type: "image", contentType: "image/jpeg" });
    expect(formatForExtension("m4a")?.type).toBe("audio");
    expect(formatForExtension("webm")?.type).toBe("video");
    expect(isAcceptedExtension("heic")).toBe(false);
    expect(MAX_UPLOAD_BYTES).toBe(524_288_000);
  });

  it("describes the accepted extensions", () => {
    expect(acceptedExtensionsText()).toBe(
      "video (mp4, mov, avi, webm, mkv), images (jpg, jpeg, png, gif, webp), audio (mp3, wav, m4a, aac)",
    );
  });

  it.each([
    ["clip.MP4", "mp4"],
    ["/a/b.c/photo.jpeg", "jpeg"],
    ["C:\\media\\song.Mp3", "mp3"],
    [".hidden", ""],
    ["noext", ""],
  ])("extensionOf(%j) = %j", (name, ext) => {
    expect(extensionOf(name)).toBe(ext);
  });
});

describe("sniffMediaType (hand-built headers)", () => {
  const cases: Array<[string, Uint8Array, SniffedMedia | undefined]> = [
    ["mp4 isom", ftyp("isom", "isom", "iso2", "avc1", "mp41"), { format: "mp4", type: "video" }],
    ["mp4 mp42", ftyp("mp42", "mp42", "isom"), { format: "mp4", type: "video" }],
    ["mov qt", ftyp("qt  ", "qt  "), { format: "mov", type: "video" }],
    ["old QuickTime without ftyp", bytes([0, 0, 0, 8], "wide", [0, 0, 0, 0], "mdat"), { format: "mov", type: "video" }],
    ["m4a", ftyp("M4A ", "M4A ", "mp42", "isom"), { format: "m4a", type: "audio" }],
    ["heic is not accepted", ftyp("heic", "mif1", "heic"), undefined],
    ["avif is not accepted", ftyp("avif", "mif1", "avif"), undefined],
    ["avi", riff("AVI LIST"), { format: "avi", type: "video" }],
    ["wav", riff("WAVEfmt "), { format: "wav", type: "audio" }],
    ["webp", riff("WEBPVP8 "), { format: "webp", type: "image" }],
    ["other RIFF", riff("CDXA"), undefined],
    ["webm", ebml("webm"), { format: "webm", type: "video" }],
    ["mkv", ebml("matroska"), { format: "mkv", type: "video" }],
    ["EBML without a doctype", bytes([0x1a, 0x45, 0xdf, 0xa3, 0x80]), { format: "mkv", type: "video" }],
    ["jpeg", bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], "JFIF"), { format: "jpg", type: "image" }],
    ["png", bytes([0x89], "PNG", [0x0d, 0x0a, 0x1a, 0x0a]), { format: "png", type: "image" }],
    ["gif87a", bytes("GIF87a"), { format: "gif", type: "image" }],
    ["gif89a", bytes("GIF89a", [1, 0, 1, 0]), { format: "gif", type: "image" }],
    ["mp3 with ID3", bytes("ID3", [4, 0, 0, 0, 0, 0, 0]), { format: "mp3", type: "audio" }],
    ["mp3 MPEG-1 layer III (FFFB)", bytes([0xff, 0xfb, 0x90, 0x64]), { format: "mp3", type: "audio" }],
    ["mp3 MPEG-2 layer III (FFF3)", bytes([0xff, 0xf3, 0x84, 0xc4]), { format: "mp3", type: "audio" }],
    ["mp3 MPEG-2.5 layer III (FFE3)", bytes([0xff, 0xe3, 0x18, 0xc4]), { format: "mp3", type: "audio" }],
    ["aac ADTS MPEG-4 (FFF1)", bytes([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc]), { format: "aac", type: "audio" }],
    ["aac ADTS MPEG-2 (FFF9)", bytes([0xff, 0xf9, 0x50, 0x80, 0x02, 0x1f, 0xfc]), { format: "aac", type: "audio" }],
    [
      "aac after an ID3 tag",
      bytes("ID3", [4, 0, 0, 0, 0, 0, 0], [0xff, 0xf1, 0x50, 0x80]),
      { format: "aac", type: "audio" },
    ],
    ["MPEG layer II is not mp3", bytes([0xff, 0xfd, 0x90, 0x64]), undefined],
    ["reserved MPEG version", bytes([0xff, 0xeb, 0x90, 0x64]), undefined],
    ["bad bitrate index", bytes([0xff, 0xfb, 0xf0, 0x64]), undefined],
    ["ADTS with a bad sample-rate index", bytes([0xff, 0xf1, 0x3c, 0x80]), undefined],
    ["flac", bytes("fLaC", [0, 0, 0, 0x22]), undefined],
    ["ogg", bytes("OggS", [0, 2]), undefined],
    ["text", bytes("hello world, not media"), undefined],
    ["empty", new Uint8Array(0), undefined],
    ["one byte", bytes([0xff]), undefined],
  ];

  it.each(cases)("%s", (_name, head, expected) => {
    expect(sniffMediaType(head)).toEqual(expected);
  });
});

describe("extensionMatchesContent", () => {
  const s = (format: string, type: SniffedMedia["type"] = "video"): SniffedMedia => ({ format, type });
  it.each([
    ["mp4", s("mp4"), true],
    [".MP4", s("mp4"), true],
    ["mov", s("mp4"), true],
    ["mp4", s("mov"), true],
    ["m4a", s("mp4"), true],
    ["mp4", s("m4a", "audio"), true],
    ["webm", s("mkv"), true],
    ["mkv", s("webm"), true],
    ["jpeg", s("jpg", "image"), true],
    ["jpg", s("jpg", "image"), true],
    ["png", s("jpg", "image"), false],
    ["mp3", s("aac", "audio"), false],
    ["aac", s("mp3", "audio"), false],
    ["mp4", s("mkv"), false],
    ["avi", s("mp4"), false],
    ["wav", s("webp", "image"), false],
    ["heic", s("mp4"), false],
    ["mp4", undefined, false],
  ])("%s with %j → %s", (ext, sniffed, expected) => {
    expect(extensionMatchesContent(ext, sniffed)).toBe(expected);
  });
});

// Real files from ffmpeg, when it is installed: the headers real writers produce.
const hasFfmpeg = spawnSync("ffmpeg", ["-version"], { stdio: "ignore" }).status === 0;

describe.skipIf(!hasFfmpeg)("sniffMediaType (files written by ffmpeg)", () => {
  let dir = "";
  const video = ["-f", "lavfi", "-i", "testsrc=size=64x64:rate=10", "-t", "0.3"];
  const audio = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "0.3"];
  const samples: Array<[file: string, args: string[], format: string, type: SniffedMedia["type"]]> = [
    ["a.mp4", [...video, "-c:v", "libx264", "-pix_fmt", "yuv420p"], "mp4", "video"],
    ["a.mov", [...video, "-c:v", "libx264", "-pix_fmt", "yuv420p"], "mov", "video"],
    ["a.m4a", [...audio, "-c:a", "aac"], "m4a", "audio"],
    ["a.avi", [...video, "-c:v", "mpeg4"], "avi", "video"],
    ["a.webm", [...video, "-c:v", "libvpx", "-b:v", "100k"], "webm", "video"],
    ["a.mkv", [...video, "-c:v", "mpeg4"], "mkv", "video"],
    ["a.jpg", [...video, "-frames:v", "1"], "jpg", "image"],
    ["a.png", [...video, "-frames:v", "1"], "png", "image"],
    ["a.gif", [...video, "-frames:v", "1"], "gif", "image"],
    ["a.webp", [...video, "-frames:v", "1", "-c:v", "libwebp"], "webp", "image"],
    ["a.mp3", [...audio, "-c:a", "libmp3lame"], "mp3", "audio"],
    ["raw.mp3", [...audio, "-c:a", "libmp3lame", "-id3v2_version", "0", "-write_xing", "0"], "mp3", "audio"],
    ["a.wav", [...audio, "-c:a", "pcm_s16le"], "wav", "audio"],
    ["a.aac", [...audio, "-c:a", "aac", "-f", "adts"], "aac", "audio"],
  ];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "video-maker-media-"));
    for (const [file, args] of samples) {
      const result = spawnSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...args, join(dir, file)], {
        encoding: "utf8",
      });
      if (result.status !== 0) throw new Error(`ffmpeg could not write ${file}: ${result.stderr}`);
    }
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(samples)("%s", (file, _args, format, type) => {
    const content = readFileSync(join(dir, file));
    for (const length of [4096, 64]) {
      const head = new Uint8Array(content.subarray(0, length));
      const sniffed = sniffMediaType(head);
      expect(sniffed, `${file} (${length} bytes)`).toEqual({ format, type });
      expect(extensionMatchesContent(extensionOf(file), sniffed)).toBe(true);
    }
  });
});

describe("the size limit is the cloud's, and it is said exactly", () => {
  it("a file one byte over 500 MB is not called '500 MB, over the 500 MB limit'", async () => {
    const { mkdtemp, open, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { inspectLocalMedia } = await import("../../src/core/media-files.js");
    const dir = await mkdtemp(join(tmpdir(), "vm-limit-"));
    const path = join(dir, "big.mp4");
    const handle = await open(path, "w");
    // A sparse file: the size is real, the disk is not used.
    await handle.truncate(524_288_001);
    await handle.close();
    const cloud = await inspectLocalMedia(path);
    expect(cloud).toEqual({ ok: false, reason: "The file is 524,288,001 bytes, over the 500 MB (524,288,000 bytes) limit. Compress it or trim it shorter." });
    // The local engine uploads nothing: size is no reason to refuse (the empty content is).
    const local = await inspectLocalMedia(path, Number.POSITIVE_INFINITY);
    expect(local.ok ? "" : local.reason).not.toMatch(/limit/);
    await rm(dir, { recursive: true, force: true });
  });
});
