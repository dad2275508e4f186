/**
 * What `install --dev` writes instead of a binary: a launcher that runs the
 * plugin's source with `deno run` (a `#!/bin/sh` script, and a `.cmd` on
 * Windows), and the file names `install` writes and removes per OS.
 *
 * @module
 */
import { shellQuote } from "../cli.ts";
import { PLUGIN_V8_FLAGS } from "../../permissions.ts";

/** Options of the development launchers. */
export interface LauncherOptions {
  /** Absolute path of the `deno` to run. */
  readonly deno: string;
  /** Permission flags, e.g. `--allow-env`. */
  readonly permissions: readonly string[];
  /** Absolute path of the project's deno.json; `undefined` passes `--no-config`. */
  readonly config?: string;
  /** Absolute path of the entry module. */
  readonly entry: string;
  /** The plugin name. */
  readonly name: string;
}

/**
 * The temp dirs a `#!/bin/sh` launcher adds to a scoped `--allow-read` or
 * `--allow-write`, expanded when Waypoint runs it: the `TMPDIR` and
 * `PLUGIN_UNIX_SOCKET_DIR` the plugin gets are where its socket goes.
 */
const SHELL_TEMP_DIRS = ",${TMPDIR:-/tmp},${PLUGIN_UNIX_SOCKET_DIR:-/tmp}";

/**
 * One word of a `#!/bin/sh` launcher: quoted, and for a scoped read or write
 * flag followed by {@linkcode SHELL_TEMP_DIRS} in double quotes:
 * `--allow-read=/tmp` → `"--allow-read=/tmp,${TMPDIR:-/tmp},${PLUGIN_UNIX_SOCKET_DIR:-/tmp}"`.
 */
export function launcherWord(word: string): string {
  if (!/^--allow-(read|write)=/.test(word)) return shellQuote(word);
  return `"${word.replace(/["$`\\]/g, "\\$&")}${SHELL_TEMP_DIRS}"`;
}

/** The `deno run` words that run the source: what the plain launcher `exec`s. */
export function launcherArgs(o: LauncherOptions): string[] {
  return [
    o.deno,
    "run",
    "--no-prompt",
    "--quiet",
    PLUGIN_V8_FLAGS,
    ...o.permissions,
    ...(o.config ? ["--config", o.config] : ["--no-config"]),
    o.entry,
  ];
}

/**
 * A `#!/bin/sh` launcher that `exec`s `deno run` on the source (so signals
 * reach the plugin), passing arguments through. `--config` pins the
 * project's deno.json: Waypoint starts plugins in its own working directory.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { launcherScript } from "./launcher.ts";
 * const sh = launcherScript({
 *   deno: "/usr/bin/deno", permissions: ["--allow-env"], config: "/p/deno.json",
 *   entry: "/p/main.ts", name: "x",
 * });
 * assert(sh.endsWith(
 *   "--heap-growing-percent=30 --allow-env --config /p/deno.json /p/main.ts \"$@\"\n",
 * ));
 * ```
 */
export function launcherScript(o: LauncherOptions): string {
  return `#!/bin/sh
# waypoint-plugin-${o.name}: development launcher written by \`install --dev\`.
# Runs the plugin from source, so edits apply on the next Waypoint run.
exec ${launcherArgs(o).map(launcherWord).join(" ")} "$@"
`;
}

/** The Windows `.cmd` counterpart of {@linkcode launcherScript}. */
export function launcherCmd(o: LauncherOptions): string {
  const q = (w: string) =>
    /^[A-Za-z0-9_\-.,\\/=:@+]+$/.test(w) ? w : `"${w.replaceAll("%", "%%")}"`;
  return `@echo off\r
rem waypoint-plugin-${o.name}: development launcher written by \`install --dev\`.\r
${launcherArgs(o).map(q).join(" ")} %*\r
`;
}

/**
 * The file names `install` writes in the destination, and the stale siblings
 * it removes. Windows gets the extension-less name Waypoint 0.11 probes plus
 * the `.exe` (binary) or `.cmd` (launcher) that Go's `PATHEXT` lookup runs;
 * siblings that `PATHEXT` would pick first are removed.
 */
export function installNames(
  name: string,
  os: string,
  dev: boolean,
): { write: string[]; remove: string[] } {
  const bare = `waypoint-plugin-${name}`;
  if (os !== "windows") return { write: [bare], remove: [] };
  const ext = dev ? ".cmd" : ".exe";
  return {
    write: [bare, bare + ext],
    remove: [".com", ".exe", ".bat", ".cmd"].filter((e) => e !== ext).map((e) => bare + e),
  };
}
