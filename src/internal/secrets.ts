/**
 * The values of `sensitive` config fields, so that nothing the plugin sends
 * shows them: gRPC statuses, log lines and UI text pass through
 * {@linkcode Secrets.redact}, and a `ConfigError` on a sensitive field (or
 * on a block or list holding one) has its value masked.
 *
 * The values are known from the host's `Configure` JSON (collected before
 * it is decoded, so an error about another field cannot show them either)
 * and from the schema's defaults. Each server has its own, and keeps every
 * value it was configured with: debug mode serves host after host, and a
 * value from an earlier one is no less secret.
 */
import { type Field, hclName, type Shape } from "../config/schema.ts";
import { ConfigError, HIDDEN_VALUE, type PluginError } from "../errors.ts";

/**
 * Values shorter than this are masked where they are known to be a field's
 * value, but not searched for in free text: replacing every "on" in every
 * message would make the messages unreadable and hide nothing.
 */
export const MIN_REDACTED_LENGTH = 4;

/** The most values kept; the oldest go first. */
const MAX_VALUES = 256;

function sensitive(f: Field<unknown> | undefined): boolean {
  return f?.options.sensitive === true;
}

/** Whether a field, or anything inside it, is sensitive. */
function holdsSecrets(f: Field<unknown>): boolean {
  if (sensitive(f) || sensitive(f.elem)) return true;
  return f.shape ? Object.values(f.shape).some(holdsSecrets) : false;
}

function fieldNamed(shape: Shape, name: string): Field<unknown> | undefined {
  for (const [key, f] of Object.entries(shape)) {
    if (hclName(key, f) === name) return f;
  }
  return undefined;
}

/**
 * Whether the value of the config path `path` (as ConfigError names fields:
 * `token`, `auth.token`, `service[0].port`, `env.KEY`) may show a sensitive
 * value: the field is sensitive, sits inside a sensitive block, list or map,
 * or holds a sensitive field. `config` is the whole `use` block.
 */
export function pathShowsSecrets(shape: Shape, path: string): boolean {
  const parts = [...path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map((m) => m[2] ?? `[${m[1]}]`);
  if (parts.length === 1 && parts[0] === "config") return Object.values(shape).some(holdsSecrets);
  let current: Shape | undefined = shape;
  let field: Field<unknown> | undefined;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (field && (field.kind === "list" || field.kind === "map")) {
      // An element: a list index or a map key.
      return sensitive(field.elem);
    }
    if (part.startsWith("[")) {
      if (field?.kind === "blocks") continue; // one of the blocks: same shape
      return false;
    }
    if (!current) return false;
    field = fieldNamed(current, part);
    if (!field) return false;
    if (sensitive(field)) return true;
    current = field.shape;
  }
  return field ? holdsSecrets(field) : false;
}

/** Adds to `out` the strings and numbers at sensitive places of `json` (the host's config). */
function collect(shape: Shape, json: unknown, inherited: boolean, out: unknown[]): void {
  const obj = json !== null && typeof json === "object" && !Array.isArray(json)
    ? json as Record<string, unknown>
    : {};
  for (const [key, f] of Object.entries(shape)) {
    const secret = inherited || sensitive(f);
    const raw = obj[hclName(key, f)];
    if (secret && f.options.default !== undefined) out.push(f.options.default);
    switch (f.kind) {
      case "block":
        collect(f.shape!, raw, secret, out);
        break;
      case "blocks":
        if (Array.isArray(raw)) { for (const b of raw) collect(f.shape!, b, secret, out); }
        break;
      case "list":
      case "map":
        if (secret || sensitive(f.elem)) out.push(raw);
        break;
      default:
        if (secret) out.push(raw);
    }
  }
}

/** The strings to search for in free text, from a collected value. */
function texts(value: unknown, out: Set<string>): void {
  if (typeof value === "string") {
    if (value.length >= MIN_REDACTED_LENGTH) out.add(value);
  } else if (typeof value === "number" || typeof value === "bigint") {
    texts(String(value), out);
  } else if (Array.isArray(value)) {
    for (const v of value) texts(v, out);
  } else if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) texts(v, out);
  }
}

/** How a value may appear in text the plugin writes: as is, JSON-escaped, `%`-escaped for the UI. */
function forms(value: string): string[] {
  const out = new Set([value, JSON.stringify(value).slice(1, -1), value.replaceAll("%", "%%")]);
  return [...out];
}

/** Known sensitive values and the schemas that say which fields are sensitive. */
export class Secrets {
  #values = new Set<string>();
  /** Every form of every value, longest first (a value inside a longer one must not be cut in half). */
  #patterns: string[] = [];
  #shapes = new Set<Shape>();

  /** Whether any value is known (no work is done on text until one is). */
  get active(): boolean {
    return this.#patterns.length > 0;
  }

  /** Records the sensitive values of `json`, the config the host sent for `shape`. */
  remember(shape: Shape, json: unknown): void {
    if (!Object.values(shape).some(holdsSecrets)) return;
    this.#shapes.add(shape);
    const found: unknown[] = [];
    collect(shape, json, false, found);
    const strings = new Set<string>();
    texts(found, strings);
    let changed = false;
    for (const s of strings) {
      if (this.#values.has(s)) continue;
      this.#values.add(s);
      changed = true;
    }
    if (!changed) return;
    while (this.#values.size > MAX_VALUES) {
      this.#values.delete(this.#values.values().next().value!);
    }
    this.#patterns = [...new Set([...this.#values].flatMap(forms))]
      .sort((a, b) => b.length - a.length);
  }

  /** `text` with every known sensitive value replaced by `(sensitive value hidden)`. */
  redact(text: string): string {
    if (this.#patterns.length === 0) return text;
    let out = text;
    for (const p of this.#patterns) {
      if (out.includes(p)) out = out.replaceAll(p, HIDDEN_VALUE);
    }
    return out;
  }

  /** Whether a ConfigError's field may show a sensitive value, in any schema seen. */
  #masks(err: ConfigError): boolean {
    for (const shape of this.#shapes) {
      if (pathShowsSecrets(shape, err.field)) return true;
    }
    return false;
  }

  /**
   * The message to send for `err`: ConfigErrors on sensitive fields (`err`
   * itself or any error in its `cause` chain whose message it repeats) with
   * their values masked, then every known value redacted.
   */
  message(err: PluginError): string {
    let message = String(err.message);
    if (this.#shapes.size > 0) {
      try {
        const seen = new Set<unknown>();
        for (let e: unknown = err; e instanceof Error && !seen.has(e); e = e.cause) {
          seen.add(e);
          if (e instanceof ConfigError && this.#masks(e)) {
            message = message.replaceAll(e.message, e.maskedMessage);
          }
        }
      } catch {
        // A cause that cannot even be looked at (a hostile proxy): it cannot be a ConfigError.
      }
    }
    return this.redact(message);
  }
}
