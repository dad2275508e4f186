/**
 * Well-formed text for everything the plugin sends. A JavaScript string may
 * hold a lone UTF-16 surrogate (text cut in the middle of an emoji, say),
 * which has no UTF-8 form: Go's protobuf decoder rejects a message carrying
 * one, grpc-js cannot percent-encode it into a status, and `JSON.stringify`
 * writes it as a `\ud800` escape that Go decodes as U+FFFD anyway. So every
 * lone surrogate becomes U+FFFD before it leaves, as `TextEncoder` does.
 */

/** `s` with every lone surrogate replaced by U+FFFD. */
export function wellFormed(s: string): string {
  return s.isWellFormed() ? s : s.toWellFormed();
}

/**
 * A `JSON.stringify` replacer that makes every string and every object key
 * well-formed, so the JSON text holds no lone-surrogate escapes.
 */
export function wellFormedJson(_key: string, value: unknown): unknown {
  if (typeof value === "string") return wellFormed(value);
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.some((k) => !k.isWellFormed())) {
      const out: Record<string, unknown> = {};
      for (const k of keys) out[wellFormed(k)] = (value as Record<string, unknown>)[k];
      return out;
    }
  }
  return value;
}
