/**
 * The text of terminal UI events as the host can take it: split or cut to
 * fit its 4 MiB message limit, `%` escaped for Go's Sprintf, and sensitive
 * values hidden.
 */
import type { TerminalUI_Event } from "../gen/wire.ts";
import type { Secrets } from "./secrets.ts";

// The host's broker server takes at most 4 MiB per message; stay well below.
export const MAX_CHUNK = 1024 * 1024;

/**
 * Characters of text per event: after `%` escaping (at most doubling) and
 * UTF-8 (at most 3 bytes per UTF-16 unit) an event stays under 4 MiB, the
 * most the host's broker server accepts.
 */
export const CHUNK_CHARS = 512 * 1024;

/** Splits `s` into pieces of at most `n` UTF-16 units, never inside a surrogate pair. */
export function chunks(s: string, n: number = CHUNK_CHARS): string[] {
  if (s.length <= n) return [s];
  const out: string[] = [];
  for (let i = 0; i < s.length;) {
    let end = Math.min(i + n, s.length);
    const c = s.charCodeAt(end - 1);
    if (end < s.length && c >= 0xd800 && c <= 0xdbff) end--; // keep the pair together
    out.push(s.slice(i, end));
    i = end;
  }
  return out;
}

/** Cuts text that cannot be split (a status or step text) to what fits in one event. */
export function fit(s: string): string {
  return s.length <= CHUNK_CHARS ? s : `${chunks(s)[0]}… (${s.length} characters, cut)`;
}

/** Groups items into batches whose text adds up to at most CHUNK_CHARS. */
export function batches<T>(items: T[], size: (t: T) => number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let total = 0;
  for (const item of items) {
    const n = size(item);
    if (current.length > 0 && total + n > CHUNK_CHARS) {
      out.push(current);
      current = [];
      total = 0;
    }
    current.push(item);
    total += n;
  }
  if (current.length > 0 || out.length === 0) out.push(current);
  return out;
}

/** The host formats these strings with Go's fmt.Sprintf: a literal `%` must be doubled. */
export function escapePercent(s: string): string {
  return s.replaceAll("%", "%%");
}

const encoder = new TextEncoder();

export function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === "string" ? encoder.encode(data) : data;
}

/** Hides the values of sensitive config fields in the text of `e` (raw bytes and step output stay). */
export function redactEvent(e: TerminalUI_Event, secrets: Secrets): void {
  const r = (text: string) => secrets.redact(text);
  if (e.line) e.line.msg = r(e.line.msg);
  if (e.status) e.status.msg = r(e.status.msg);
  if (e.step) e.step.msg = r(e.step.msg);
  if (e.input) e.input.prompt = r(e.input.prompt);
  for (const v of e.namedValues?.values ?? []) {
    v.name = r(v.name);
    v.value = r(v.value);
  }
  if (e.table) {
    e.table.headers = e.table.headers.map(r);
    for (const row of e.table.rows) for (const entry of row.entries) entry.value = r(entry.value);
  }
}
