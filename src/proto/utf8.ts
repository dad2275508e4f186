/**
 * Well-formed UTF-8 for every string the toolkit encodes.
 *
 * A JavaScript string may hold a lone UTF-16 surrogate (text cut in the
 * middle of an emoji, say). protobufjs writes one as the three bytes of the
 * surrogate itself, which is not UTF-8: Go's protobuf decoder then rejects
 * the whole message ("string field contains invalid UTF-8"), so a UI event
 * or a response carrying it is lost. For strings longer than a few dozen
 * characters protobufjs goes through `Buffer`, which writes U+FFFD instead;
 * the result depended on the string's length. Loading this module makes
 * every protobufjs string write U+FFFD for a lone surrogate, as `Buffer` and
 * `TextEncoder` do: the same three bytes, so the lengths protobufjs computes
 * beforehand stay right.
 */
import protobuf from "protobufjs/minimal.js";

/** UTF-8 of `s` into `buf` at `offset`, lone surrogates as U+FFFD; returns the bytes written. */
function writeUtf8(s: string, buf: Uint8Array, offset: number): number {
  const start = offset;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[offset++] = c;
      continue;
    }
    if (c < 0x800) {
      buf[offset++] = 0xc0 | (c >> 6);
      buf[offset++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        buf[offset++] = 0xf0 | (cp >> 18);
        buf[offset++] = 0x80 | ((cp >> 12) & 0x3f);
        buf[offset++] = 0x80 | ((cp >> 6) & 0x3f);
        buf[offset++] = 0x80 | (cp & 0x3f);
        i++;
        continue;
      }
      c = 0xfffd;
    }
    buf[offset++] = 0xe0 | (c >> 12);
    buf[offset++] = 0x80 | ((c >> 6) & 0x3f);
    buf[offset++] = 0x80 | (c & 0x3f);
  }
  return offset - start;
}

// protobufjs' writers call `util.utf8.write` through the namespace object at write time.
(protobuf.util.utf8 as { write: typeof writeUtf8 }).write = writeUtf8;
