/**
 * What `init` prints: colour only on a terminal and without `NO_COLOR`, a
 * relative `cd` (as create-vite and `@fresh/init` print it), next steps
 * that can be pasted into a shell, and errors as a short usage line plus
 * `error: …` instead of the whole help.
 */
import { isAbsolute, relative, sep as SEP } from "node:path";

/** The short usage line errors end with. */
export const USAGE = "Usage: deno run -A jsr:@x/waypoint-plugin/init [options] <name> [directory]";

/** Text styles: ANSI escapes, or the text unchanged. */
export interface Styles {
  bold(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  red(s: string): string;
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

/** `word` as one POSIX shell word: unchanged when safe, else in single quotes. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * How to name `dir` to someone in `cwd`: relative (`waypoint-plugin-x`,
 * `../x`), `.` for `cwd` itself, or absolute when no relative path exists
 * (another drive on Windows).
 */
export function displayPath(cwd: string, dir: string): string {
  const rel = relative(cwd, dir);
  if (rel === "") return ".";
  return isAbsolute(rel) ? dir : rel;
}

/** What {@linkcode successMessage} says. */
export interface Created {
  /** The plugin name. */
  name: string;
  /** The directory, as {@linkcode displayPath} names it. */
  dir: string;
  /** The components made. */
  components: string[];
  /** How many files were written. */
  files: number;
}

/** The message after a project was written: what, where, and what to run next. */
export function successMessage(c: Created, s: Styles): string {
  const where = c.dir === "."
    ? "the current directory"
    : c.dir.startsWith("..") || isAbsolute(c.dir)
    ? c.dir
    : `.${SEP}${c.dir}`;
  const steps: [string, string][] = [];
  if (c.dir !== ".") steps.push([`cd ${shellWord(c.dir)}`, ""]);
  steps.push(
    ["deno task test", "run the plugin's lifecycle through the test host"],
    ["deno task install --dev", "let Waypoint find it while you work on it"],
    ["deno task ok", "fmt, lint, type check, proto drift, tests: what CI runs"],
  );
  const width = Math.max(...steps.filter(([, why]) => why).map(([cmd]) => cmd.length)) + 2;
  const lines = steps.map(([cmd, why]) =>
    why ? `  ${s.cyan(cmd.padEnd(width))}${s.dim(`# ${why}`)}` : `  ${s.cyan(cmd)}`
  );
  return [
    `${s.green(s.bold("Created"))} ${s.bold(`waypoint-plugin-${c.name}`)} in ${where}: ` +
    `${c.components.join(", ")} (${c.files} files)`,
    "",
    "Next steps:",
    ...lines,
    "",
    `On GitHub, ${s.cyan(".github/workflows/ci.yml")} runs ${
      s.cyan("deno task ok")
    } on every push; a tag`,
    `${s.cyan("v0.1.0")} publishes the binaries for every platform as a release (see README.md).`,
    "",
  ].join("\n");
}

/** A user's mistake: `error: …`, then the usage line and where the rest of the help is. */
export function usageErrorMessage(message: string, s: Styles): string {
  return `${s.red(s.bold("error"))}: ${message}\n\n${USAGE}\nFor all options, run it with --help`;
}

/** An error that needs no usage line (a permission, a cancelled prompt). */
export function errorMessage(message: string, s: Styles): string {
  return `${s.red(s.bold("error"))}: ${message}`;
}
