/**
 * What `init` prints: colour only on a terminal and without `NO_COLOR`, a
 * relative `cd` (as create-vite and `@fresh/init` print it) and next steps
 * that can be pasted into a shell. Errors are cli.ts's: `error: …` and the
 * usage line below instead of the whole help.
 *
 * @module
 */
import { isAbsolute, relative, sep as SEP } from "node:path";
import { shellQuote, type Styles } from "../cli.ts";

/** The short usage line errors end with. */
export const USAGE = "Usage: deno run -A jsr:@x/waypoint-plugin/init [options] <name> [directory]";

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
  if (c.dir !== ".") steps.push([`cd ${shellQuote(c.dir)}`, ""]);
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
