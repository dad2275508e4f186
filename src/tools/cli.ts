/**
 * The skeleton every command-line tool of the toolkit shares (`init`,
 * `compile`, `install`, `proto`, `docs`, and this repository's scripts):
 * parse the arguments, print the help for `-h`/`--help` (exit 0), run, and
 * turn the two kinds of error a user can cause into a message and an exit
 * status:
 *
 * - {@linkcode UsageError}, a mistake in how the tool was called:
 *   `error: …`, the usage line and where the rest of the help is; exit 2.
 * - {@linkcode CommandError}, the tool could not do its work (a build
 *   failed, a file is missing): `error: …`; exit 1.
 *
 * Anything else thrown is a bug and is left to Deno to report.
 *
 * @example A tool with one option
 * ```ts
 * import assert from "node:assert";
 * import { runCli } from "./cli.ts";
 * const cli = {
 *   usage: "Usage: greet [options]",
 *   help: "Usage: greet [options]\n\nSays hello.",
 *   options: { name: { type: "string", default: "world" } },
 * } as const;
 * const code = await runCli(cli, ["--name", "Ada"], ({ values }) => {
 *   console.log(`hello ${values.name}`);
 *   return 0;
 * });
 * assert(code === 0);
 * ```
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/**
 * A mistake of the person running a tool (a bad option, a bad config value):
 * the tool prints `error: <message>` and its usage line, and exits 2. The
 * message says what is wrong and how to fix it, in sentence case.
 */
export class UsageError extends Error {
  /**
   * Makes the error.
   *
   * @param message what is wrong and how to fix it
   */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The tool could not do its work (a build failed, an input is missing): `error: <message>`, exit 1. */
export class CommandError extends Error {
  /**
   * Makes the error.
   *
   * @param message what failed and what to do about it
   */
  constructor(message: string) {
    super(message);
    this.name = "CommandError";
  }
}

/** The options a tool declares, as `node:util`'s `parseArgs` takes them. */
export type CliOptions = NonNullable<ParseArgsConfig["options"]>;

/** Every tool has `-h`/`--help`. */
const HELP_OPTION = { help: { type: "boolean", short: "h", default: false } } as const;

interface ParseConfig<T extends CliOptions> {
  args: string[];
  options: T & typeof HELP_OPTION;
  allowPositionals: boolean;
  strict: true;
}

/** What {@linkcode parseCommandLine} returns: the typed option values (with `help`) and the positionals. */
export type ParsedCommandLine<T extends CliOptions> = ReturnType<typeof parseArgs<ParseConfig<T>>>;

/** A tool's command line. */
export interface Cli<T extends CliOptions> {
  /** The short usage line errors end with, e.g. `Usage: deno task bench [options]`. */
  readonly usage: string;
  /** The whole help text, printed to stdout for `-h`/`--help`. */
  readonly help: string;
  /** The options besides `-h`/`--help`. */
  readonly options: T;
  /** Whether the tool takes arguments that are not options. Default: `false`. */
  readonly positionals?: boolean;
}

/**
 * `node:util`'s parse errors in our style: double quotes, no advice about
 * `--`, and "needs a value" for a missing one.
 */
function parseErrorMessage(message: string): string {
  const missing = /^Option '(-[^ ']+)(?: <value>)?' argument missing/.exec(message);
  if (missing) return `Option "${missing[1]}" needs a value`;
  const ambiguous = /^Option '(-[^ ']+)' argument is ambiguous/.exec(message);
  if (ambiguous) {
    const o = ambiguous[1];
    return `Option "${o}" needs a value: to give one that starts with "-", write ${o}=<value>`;
  }
  const unexpected = /^Unexpected argument '([^']*)'/.exec(message);
  if (unexpected) return `Unexpected argument "${unexpected[1]}": this tool takes options only`;
  return message.split(". To specify")[0].replace(/'([^']*)'/g, '"$1"');
}

/** Parses `args`; throws {@linkcode UsageError} for an unknown option, a missing value and the like. */
export function parseCommandLine<const T extends CliOptions>(
  cli: Cli<T>,
  args: string[],
): ParsedCommandLine<T> {
  const config: ParseConfig<T> = {
    args,
    options: { ...cli.options, ...HELP_OPTION },
    allowPositionals: cli.positionals ?? false,
    strict: true,
  };
  try {
    return parseArgs(config);
  } catch (err) {
    throw new UsageError(parseErrorMessage(err instanceof Error ? err.message : String(err)));
  }
}

/** Options of {@linkcode runCli}. */
export interface RunCliOptions {
  /** Whether `error` is coloured. Default: stderr is a terminal and `NO_COLOR` is unset. */
  readonly color?: boolean;
}

/**
 * Runs a tool: parses `args`, prints the help for `-h`/`--help`, else calls
 * `body` with what was parsed and returns its exit status; a
 * {@linkcode UsageError} becomes 2 and a {@linkcode CommandError} 1, each
 * with its message on stderr.
 */
export async function runCli<const T extends CliOptions>(
  cli: Cli<T>,
  args: string[],
  body: (parsed: ParsedCommandLine<T>) => number | Promise<number>,
  options: RunCliOptions = {},
): Promise<number> {
  try {
    const parsed = parseCommandLine(cli, args);
    // Every tool's values hold `help` (HELP_OPTION); TS cannot see it through the generic.
    const values: { help?: boolean } = parsed.values;
    if (values.help) {
      console.log(cli.help);
      return 0;
    }
    return await body(parsed);
  } catch (err) {
    const s = styles(options.color ?? colorFor(Deno.stderr));
    if (err instanceof UsageError) {
      console.error(usageErrorMessage(err.message, cli.usage, s));
      return 2;
    }
    if (err instanceof CommandError) {
      console.error(errorMessage(err.message, s));
      return 1;
    }
    throw err;
  }
}

/** Text styles: ANSI escapes, or the text unchanged. */
export interface Styles {
  /** Bold. */
  bold(s: string): string;
  /** Green, for success. */
  green(s: string): string;
  /** Cyan, for commands and paths. */
  cyan(s: string): string;
  /** Red, for errors. */
  red(s: string): string;
  /** Dim, for comments. */
  dim(s: string): string;
}

/** ANSI styles when `color`, else the identity. */
export function styles(color: boolean): Styles {
  const sgr = (on: number, off: number) => (s: string) => color ? `\x1b[${on}m${s}\x1b[${off}m` : s;
  return {
    bold: sgr(1, 22),
    green: sgr(32, 39),
    cyan: sgr(36, 39),
    red: sgr(31, 39),
    dim: sgr(2, 22),
  };
}

/** Whether to colour what goes to `stream`: it is a terminal and `NO_COLOR` is unset. */
export function colorFor(stream: { isTerminal(): boolean }): boolean {
  return stream.isTerminal() && !Deno.noColor;
}

/** A user's mistake: `error: …`, then the usage line and where the rest of the help is. */
export function usageErrorMessage(message: string, usage: string, s: Styles): string {
  return `${errorMessage(message, s)}\n\n${usage}\nFor all options, run it with --help`;
}

/** An error that needs no usage line (a failed build, a missing permission). */
export function errorMessage(message: string, s: Styles): string {
  return `${s.red(s.bold("error"))}: ${message}`;
}

/**
 * Quotes a word for a POSIX shell when it needs it, so a printed command
 * can be pasted: `a b` → `'a b'`, `it's` → `'it'\''s'`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { shellQuote } from "./cli.ts";
 * assert(shellQuote("--out=bin") === "--out=bin");
 * assert(shellQuote("dist dir") === "'dist dir'");
 * ```
 */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
