/**
 * The one error type that knows about gRPC: whatever an author's code throws
 * becomes a {@linkcode PluginError} at the RPC boundary, and its code and
 * message are what Waypoint shows the user.
 *
 * @module
 */
import { missingPermissionHint } from "./permissions.ts";

/**
 * gRPC status codes, as the host sees them.
 *
 * @example Choose the status code Waypoint shows
 * ```ts
 * import assert from "node:assert";
 * import { Code, PluginError } from "@x/waypoint-plugin";
 * const notFound = new PluginError("no deployment web-3: was it destroyed?", Code.NOT_FOUND);
 * assert.equal(notFound.code, 5);
 * assert.equal(PluginError.from(new Error("boom")).code, Code.UNKNOWN);
 * ```
 */
export const Code = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** A gRPC status code. */
export type Code = typeof Code[keyof typeof Code];

/**
 * An error with a gRPC status code. Throw it from an operation to choose the
 * code; any other error becomes `UNKNOWN` with its message intact, which is
 * what a Go plugin's plain error becomes too.
 *
 * @example Fail an operation with a chosen code
 * ```ts
 * import assert from "node:assert";
 * import { Code, PluginError } from "@x/waypoint-plugin";
 * const err = new PluginError("registry credentials are missing", Code.UNAUTHENTICATED);
 * assert(err.code === Code.UNAUTHENTICATED);
 * ```
 */
export class PluginError extends Error {
  /** The gRPC status code sent to the host. */
  readonly code: Code;

  /** Makes an error with `message` and `code` (default `UNKNOWN`). */
  constructor(message: string, code: Code = Code.UNKNOWN, options?: ErrorOptions) {
    super(message, options);
    this.name = "PluginError";
    this.code = code;
  }

  /**
   * Turns anything thrown into a PluginError, keeping its message. It never
   * throws itself, whatever it is given (an object without a prototype, a
   * getter that throws ...): the caller is answering an RPC with the result.
   */
  static from(err: unknown): PluginError {
    try {
      if (err instanceof PluginError) return err;
      if (err instanceof DOMException && err.name === "AbortError") {
        return new PluginError("operation cancelled", Code.CANCELLED, { cause: err });
      }
      if (err instanceof Deno.errors.NotCapable) {
        // Deno's "run again with the --allow-run flag" is no advice for a plugin Waypoint starts.
        const hint = missingPermissionHint(err.message);
        if (hint) return new PluginError(hint, Code.PERMISSION_DENIED, { cause: err });
      }
      if (err instanceof Error) {
        return new PluginError(String(err.message || err.name), Code.UNKNOWN, { cause: err });
      }
      return new PluginError(String(err), Code.UNKNOWN, { cause: err });
    } catch {
      return new PluginError(
        "the plugin threw a value that cannot be turned into text",
        Code.UNKNOWN,
        { cause: err },
      );
    }
  }
}

/**
 * A configuration value that is not acceptable. The message names the field,
 * the value and what to do: `field "source" must name an existing directory:
 * "./srcc" was not found`.
 *
 * @example Reject a config value
 * ```ts
 * import assert from "node:assert";
 * import { ConfigError } from "@x/waypoint-plugin";
 * const err = new ConfigError(
 *   "source",
 *   "./srcc",
 *   "must name an existing directory",
 *   "was not found",
 * );
 * assert(
 *   err.message === 'field "source" must name an existing directory: "./srcc" was not found',
 * );
 * ```
 */
export class ConfigError extends PluginError {
  /** The HCL name of the field. */
  readonly field: string;
  /** The offending value. */
  readonly value: unknown;
  /** What the value must be, e.g. `must name an existing directory`. */
  readonly rule: string;
  /** What was wrong with this value, e.g. `was not found`. */
  readonly detail: string | undefined;

  /**
   * Reports that config field `field` broke `rule`; the message names the
   * field, the value (hidden when the field is `sensitive`) and the fix.
   *
   * @param field the HCL name of the field, e.g. `source`
   * @param value the value that was given
   * @param rule what the value must be, e.g. `must name an existing directory`
   * @param detail what was wrong with this value, e.g. `was not found`
   */
  constructor(field: string, value: unknown, rule: string, detail?: string) {
    super(configMessage(field, showValue(value), rule, detail), Code.INVALID_ARGUMENT);
    this.name = "ConfigError";
    this.field = field;
    this.value = value;
    this.rule = rule;
    this.detail = detail;
  }

  /**
   * The message with the value replaced by `(sensitive value hidden)`: what
   * the host is sent when the field is `sensitive`.
   */
  get maskedMessage(): string {
    return configMessage(this.field, HIDDEN_VALUE, this.rule, this.detail);
  }
}

/** What a sensitive value is shown as. */
export const HIDDEN_VALUE = "(sensitive value hidden)";

function configMessage(field: string, shown: string, rule: string, detail?: string): string {
  return `field "${field}" ${rule}: ${shown}${detail ? ` ${detail}` : ""}`;
}

function showValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
