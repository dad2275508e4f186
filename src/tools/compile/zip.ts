/**
 * A ZIP writer and reader, just what release archives need: deflate (from
 * node:zlib) or store, Unix permissions so `unzip` restores exec bits, and
 * no ZIP64. The toolkit has no dependency for this; the format is APPNOTE's
 * local headers, central directory and end record.
 *
 * @module
 */
import { crc32, deflateRawSync } from "node:zlib";

/** A file to put in a zip. */
export interface ZipEntry {
  /** Path inside the archive, with `/` separators. */
  readonly name: string;
  /** The file's bytes. */
  readonly data: Uint8Array;
  /** Unix permission bits. Default `0o644`. */
  readonly mode?: number;
  /** Modification time. Default: 1980-01-01 (ZIP's epoch), for reproducible archives. */
  readonly mtime?: Date;
}

/** An entry as the central directory of a zip records it. */
export interface ZipListing {
  /** Path inside the archive. */
  readonly name: string;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  /** CRC-32 of the uncompressed bytes. */
  readonly crc32: number;
  /** Size in the archive. */
  readonly compressedSize: number;
  /** Uncompressed size. */
  readonly size: number;
  /** Unix permission bits (0 when the archive records none). */
  readonly mode: number;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const LOCAL_SIZE = 30;
const CENTRAL_SIZE = 46;
const END_SIZE = 22;

/** An entry's bytes as stored, with what both of its headers record. */
interface Packed {
  readonly name: Uint8Array;
  /** General purpose flags: bit 11 when the name is UTF-8 beyond ASCII. */
  readonly flags: number;
  readonly method: number;
  readonly body: Uint8Array;
  readonly crc: number;
  readonly size: number;
  readonly time: number;
  readonly date: number;
}

function dosDateTime(d: Date): { time: number; date: number } {
  if (d.getFullYear() < 1980) return { time: 0, date: (1 << 5) | 1 };
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    date: ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** Deflates `data`, or keeps it stored when deflating does not make it smaller. */
function compress(data: Uint8Array): { method: number; body: Uint8Array; crc: number } {
  const crc = crc32(data) >>> 0;
  const deflated = deflateRawSync(data);
  return deflated.length < data.length
    ? { method: 8, body: new Uint8Array(deflated), crc }
    : { method: 0, body: data, crc };
}

/**
 * The 26 bytes both headers share, in the same order: version needed, flags,
 * method, time, date, CRC, both sizes, name length and extra length (0).
 */
function writeShared(view: DataView, at: number, p: Packed): void {
  view.setUint16(at, p.method === 8 ? 20 : 10, true);
  view.setUint16(at + 2, p.flags, true);
  view.setUint16(at + 4, p.method, true);
  view.setUint16(at + 6, p.time, true);
  view.setUint16(at + 8, p.date, true);
  view.setUint32(at + 10, p.crc, true);
  view.setUint32(at + 14, p.body.length, true);
  view.setUint32(at + 18, p.size, true);
  view.setUint16(at + 22, p.name.length, true);
  view.setUint16(at + 24, 0, true);
}

/** The local file header followed by the entry's bytes. */
function localRecord(p: Packed): Uint8Array {
  const out = new Uint8Array(LOCAL_SIZE + p.name.length + p.body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, SIG_LOCAL, true);
  writeShared(view, 4, p);
  out.set(p.name, LOCAL_SIZE);
  out.set(p.body, LOCAL_SIZE + p.name.length);
  return out;
}

/** The central directory header of an entry whose local record starts at `offset`. */
function centralRecord(p: Packed, mode: number, offset: number): Uint8Array {
  const out = new Uint8Array(CENTRAL_SIZE + p.name.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, SIG_CENTRAL, true);
  view.setUint16(4, (3 << 8) | 30, true); // made by Unix, spec 3.0: external attrs hold st_mode
  writeShared(view, 6, p);
  view.setUint32(38, ((0o100000 | mode) << 16) >>> 0, true);
  view.setUint32(42, offset, true);
  out.set(p.name, CENTRAL_SIZE);
  return out;
}

function endRecord(count: number, size: number, offset: number): Uint8Array {
  const out = new Uint8Array(END_SIZE);
  const view = new DataView(out.buffer);
  view.setUint32(0, SIG_END, true);
  view.setUint16(8, count, true);
  view.setUint16(10, count, true);
  view.setUint32(12, size, true);
  view.setUint32(16, offset, true);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Writes a ZIP archive (deflated with node:zlib, stored when deflating does
 * not help), recording Unix permissions so `unzip` restores exec bits. No
 * ZIP64: throws `RangeError` for files of 4 GiB or more, or over 65535
 * entries.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { zip, zipEntries } from "./zip.ts";
 * const data = new TextEncoder().encode("#!/bin/sh\necho hi\n".repeat(10));
 * const bytes = zip([{ name: "hi", data, mode: 0o755 }]);
 * const [e] = zipEntries(bytes);
 * assert(e.name === "hi" && e.size === data.length && e.mode === 0o755);
 * ```
 */
export function zip(entries: readonly ZipEntry[]): Uint8Array {
  if (entries.length > 0xffff) throw new RangeError(`zip: ${entries.length} entries (max 65535)`);
  const enc = new TextEncoder();
  // Entries that share their bytes (a Windows binary and its alias) are compressed once.
  const compressed = new Map<Uint8Array, ReturnType<typeof compress>>();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    if (e.data.length >= 0xffffffff) {
      throw new RangeError(`zip: "${e.name}" is ${e.data.length} bytes (max 4 GiB without ZIP64)`);
    }
    const c = compressed.get(e.data) ?? compress(e.data);
    compressed.set(e.data, c);
    // deno-lint-ignore no-control-regex
    const flags = /[^\x00-\x7f]/.test(e.name) ? 0x0800 : 0;
    const packed: Packed = {
      ...c,
      ...dosDateTime(e.mtime ?? new Date(1980, 0, 1)),
      name: enc.encode(e.name),
      flags,
      size: e.data.length,
    };
    const local = localRecord(packed);
    locals.push(local);
    centrals.push(centralRecord(packed, e.mode ?? 0o644, offset));
    offset += local.length;
  }
  const cdSize = centrals.reduce((n, c) => n + c.length, 0);
  if (offset + cdSize >= 0xffffffff) throw new RangeError("zip: archive of 4 GiB or more");
  return concat([...locals, ...centrals, endRecord(entries.length, cdSize, offset)]);
}

/**
 * Lists a zip's entries from its central directory. Throws `TypeError` when
 * the bytes are not a zip.
 */
export function zipEntries(bytes: Uint8Array): ZipListing[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let i = bytes.length - END_SIZE; i >= Math.max(0, bytes.length - END_SIZE - 0xffff); i--) {
    if (view.getUint32(i, true) === SIG_END) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new TypeError("not a zip archive: no end of central directory record");
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const dec = new TextDecoder();
  const list: ZipListing[] = [];
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_SIZE > bytes.length || view.getUint32(at, true) !== SIG_CENTRAL) {
      throw new TypeError(`not a zip archive: bad central directory entry ${i} at ${at}`);
    }
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    const madeBy = view.getUint16(at + 4, true) >> 8;
    list.push({
      name: dec.decode(bytes.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLen)),
      method: view.getUint16(at + 10, true),
      crc32: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      mode: madeBy === 3 ? (view.getUint32(at + 38, true) >>> 16) & 0o7777 : 0,
    });
    at += CENTRAL_SIZE + nameLen + extraLen + commentLen;
  }
  return list;
}
