/**
 * Structured logs in the format the host reads: one hclog JSON object per
 * line on stderr. go-plugin re-logs each line through Waypoint's own logger,
 * so `WAYPOINT_LOG_LEVEL=debug` shows them next to the host's lines.
 *
 * @module
 */
import { HIDDEN_VALUE } from "./errors.ts";
import { wellFormed, wellFormedJson } from "./well_formed.ts";

/**
 * Log levels, from most to least verbose.
 *
 * @example Parse a level a user gave
 * ```ts
 * import assert from "node:assert";
 * import { createLogger, type LogLevel } from "@x/waypoint-plugin";
 * const LEVELS: LogLevel[] = ["trace", "debug", "info", "warn", "error"];
 * const parseLevel = (text: string): LogLevel =>
 *   LEVELS.find((l) => l === text.toLowerCase()) ?? "info";
 * const lines: string[] = [];
 * const log = createLogger("demo", { level: parseLevel("WARN"), write: (l) => lines.push(l) });
 * log.info("dropped below warn");
 * log.warn("kept");
 * assert.equal(lines.length, 1);
 * ```
 */
export type LogLevel = "trace" | "debug" | "info" | "warn" | "error";

/**
 * Extra key/value pairs of a log line.
 *
 * @example Fields on a line
 * ```ts
 * import assert from "node:assert";
 * import { createLogger, type LogFields } from "@x/waypoint-plugin";
 * const lines: string[] = [];
 * const log = createLogger("demo", { write: (l) => lines.push(l) });
 * const fields: LogFields = { path: "/src", files: 3 };
 * log.info("copied", fields);
 * assert.equal(JSON.parse(lines[0]).files, 3);
 * ```
 */
export type LogFields = Record<string, unknown>;

/**
 * A structured logger; every line goes to stderr as hclog JSON.
 *
 * @example Named and enriched loggers
 * ```ts
 * import assert from "node:assert";
 * import { createLogger, type Logger } from "@x/waypoint-plugin";
 * const lines: string[] = [];
 * const root: Logger = createLogger("gobuilder", { write: (l) => lines.push(l) });
 * const build = root.named("build").with({ app: "web" });
 * build.info("compiling");
 * const line = JSON.parse(lines[0]);
 * assert.equal(line["@module"], "gobuilder.build");
 * assert.equal(line.app, "web");
 * ```
 */
export interface Logger {
  /** The `@module` of this logger's lines. */
  readonly name: string;
  /** Logs at trace level. */
  trace(message: string, fields?: LogFields): void;
  /** Logs at debug level. */
  debug(message: string, fields?: LogFields): void;
  /** Logs at info level. */
  info(message: string, fields?: LogFields): void;
  /** Logs at warn level. */
  warn(message: string, fields?: LogFields): void;
  /** Logs at error level. */
  error(message: string, fields?: LogFields): void;
  /** A logger whose `@module` is this one's plus `.name`. */
  named(name: string): Logger;
  /** A logger whose `@module` is `name`, whatever this one's is. */
  resetNamed(name: string): Logger;
  /** A logger that adds `fields` to every line. */
  with(fields: LogFields): Logger;
}

const LEVELS: Record<LogLevel, number> = {
  trace: 0,
  debug: 1,
  info: 2,
  warn: 3,
  error: 4,
};

/**
 * Options for {@linkcode createLogger}.
 *
 * @example Redact a secret
 * ```ts
 * import assert from "node:assert";
 * import { createLogger, type LoggerOptions } from "@x/waypoint-plugin";
 * const lines: string[] = [];
 * const options: LoggerOptions = {
 *   level: "debug",
 *   write: (l) => lines.push(l),
 *   redact: (text) => text.replaceAll("s3cr3t", "(hidden)"),
 * };
 * createLogger("demo", options).debug("login", { token: "s3cr3t" });
 * assert(!lines[0].includes("s3cr3t"));
 * ```
 */
export interface LoggerOptions {
  /** Lines below this level are dropped. Default: `"trace"` (the host filters by its own level). */
  level?: LogLevel;
  /** Where the encoded lines go. Default: a synchronous write to stderr. */
  write?: (line: string) => void;
  /**
   * Applied to the message and to every string in the fields (nested ones
   * too) before a line is encoded; `serve()` passes one that hides the
   * values of `sensitive` config fields. Default: none.
   */
  redact?: (text: string) => string;
}

const encoder = new TextEncoder();

/** Writes all of `bytes` to stderr; a pipe may take fewer bytes than asked. */
export function writeStderr(bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) {
    try {
      off += Deno.stderr.writeSync(bytes.subarray(off));
    } catch {
      return; // Nobody reads stderr any more (host gone): drop the line.
    }
  }
}

function defaultWrite(line: string): void {
  writeStderr(encoder.encode(line));
}

/** `2006-01-02T15:04:05.000000Z`: the host drops timestamps without exactly six fractional digits. */
export function hclogTimestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

function jsonSafe(value: unknown): unknown {
  if (value instanceof Error) return value.message;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  return value;
}

/**
 * Encodes one hclog JSON line (with its newline). `@level`, `@message`,
 * `@timestamp` and `@module` are always strings: the host panics on any other
 * type there. Every string is well-formed (lone surrogates as U+FFFD); with
 * `redact`, the message and every string in the fields (after `toJSON`, at
 * any depth) pass through it.
 */
export function formatLogLine(
  level: LogLevel,
  module: string,
  message: string,
  fields?: LogFields,
  redact?: (text: string) => string,
): string {
  const entry: Record<string, unknown> = {};
  if (fields) {
    for (const [k, v] of Object.entries(fields)) {
      if (!k.startsWith("@")) entry[k] = v;
    }
  }
  entry["@level"] = level;
  entry["@message"] = String(message);
  entry["@module"] = module;
  entry["@timestamp"] = hclogTimestamp();
  // The replacer sees every value after its toJSON, nested ones included. The keys the host
  // parses itself stay as they are.
  const replacer = function (this: unknown, key: string, value: unknown): unknown {
    if (this === entry && key !== "@message" && key.startsWith("@")) return value;
    const v = jsonSafe(value);
    if (!redact) return wellFormedJson(key, v);
    if (typeof v === "string") return wellFormedJson(key, redact(v));
    // A number is hidden when it is a sensitive value (a PIN), not when it merely contains one.
    if (typeof v === "number" && redact(String(v)) === HIDDEN_VALUE) return HIDDEN_VALUE;
    return wellFormedJson(key, v);
  };
  try {
    return JSON.stringify(entry, replacer) + "\n";
  } catch {
    // Circular or otherwise unencodable fields: keep the message, say why the rest is gone.
    return JSON.stringify({
      "@level": level,
      "@message": wellFormed(redact ? redact(String(message)) : String(message)),
      "@module": module,
      "@timestamp": entry["@timestamp"],
      "log_error": "fields could not be encoded as JSON",
    }) + "\n";
  }
}

/**
 * A logger that writes hclog JSON lines.
 *
 * @example Log a line with fields
 * ```ts
 * import assert from "node:assert";
 * import { createLogger } from "@x/waypoint-plugin";
 * const lines: string[] = [];
 * const log = createLogger("plugin", { write: (l) => lines.push(l) });
 * log.info("building", { path: "/src" });
 * assert(JSON.parse(lines[0])["@message"] === "building");
 * ```
 */
export function createLogger(
  name: string,
  options: LoggerOptions = {},
): Logger {
  return makeLogger(name, {}, {
    min: LEVELS[options.level ?? "trace"],
    write: options.write ?? defaultWrite,
    redact: options.redact,
  });
}

interface Sink {
  min: number;
  write: (line: string) => void;
  redact?: (text: string) => string;
}

function makeLogger(name: string, base: LogFields, sink: Sink): Logger {
  const { min, write, redact } = sink;
  const log = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (LEVELS[level] < min) return;
    write(formatLogLine(level, name, message, { ...base, ...fields }, redact));
  };
  return {
    name,
    trace: log("trace"),
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    named: (sub: string) => makeLogger(name ? `${name}.${sub}` : sub, base, sink),
    resetNamed: (n: string) => makeLogger(n, base, sink),
    with: (fields: LogFields) => makeLogger(name, { ...base, ...fields }, sink),
  };
}
