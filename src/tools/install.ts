/**
 * `install`: puts a plugin where Waypoint finds it — the compiled binary for
 * this machine (from `compile`), or with `--dev` a launcher that runs the
 * source with `deno run`, so authors iterate without compiling — and prints
 * the folders Waypoint searches, in order, marking the one it will use.
 *
 * ```sh
 * deno run -A jsr:@x/waypoint-plugin/install --name gobuilder             # bin/<os>_<arch>/… → …
 * deno run -A jsr:@x/waypoint-plugin/install --name gobuilder --dev --project ../my-app
 * deno run -A jsr:@x/waypoint-plugin/install --name gobuilder --print-paths
 * ```
 *
 * Waypoint 0.11.4's search order, from `DefaultPaths` in
 * `internal/plugin/discover.go` (the first folder holding
 * `waypoint-plugin-<name>` wins, before any built-in plugin of that name):
 *
 * 1. the project folder (the runner's working directory: where `waypoint.hcl` is)
 * 2. `<project>/.waypoint/plugins`
 * 3. `xdg.ConfigFile("waypoint/plugins/.ignore")`'s folder — github.com/adrg/xdg
 *    v0.2.1: `$XDG_CONFIG_HOME` when set to an absolute path (a leading `~` or
 *    `$HOME` is expanded), else `~/.config` on Linux and other Unixes,
 *    `~/Library/Preferences` on macOS, `%LOCALAPPDATA%` on Windows (unset:
 *    `%APPDATA%\Local`, and `%APPDATA%` unset: `%USERPROFILE%\AppData\Local`)
 * 4. `~/.config/waypoint/plugins`, `~` from github.com/mitchellh/go-homedir
 *    (`$HOME`; on Windows `%HOME%`, else `%USERPROFILE%`). Waypoint 0.11.0
 *    and older looked in `~/.config/.waypoint/plugins` here instead (fixed in
 *    0.11.1).
 *
 * On Windows, Waypoint 0.11 looks for the name without `.exe` (it compares
 * `runtime.GOOS == "windows "`, with a space), and Go's `os/exec` then runs
 * that path through `PATHEXT` (`.exe`, `.cmd`, …); so `install` writes both
 * `waypoint-plugin-<name>` and `waypoint-plugin-<name>.exe` (`.cmd` for a
 * launcher), and removes stale siblings that `PATHEXT` would pick first.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { homedir } from "node:os";
import { posix, resolve, win32 } from "node:path";
import {
  binaryName,
  checkPluginName,
  defaultPluginName,
  hostTarget,
  PLUGIN_V8_FLAGS,
  readProjectConfig,
  resolvePermissions,
  shellQuote,
  UsageError,
} from "./compile.ts";

/** The machine a search path is computed for (a seam for tests). */
export interface HostInfo {
  /** `Deno.build.os`. */
  readonly os: string;
  /** Reads an environment variable. */
  readonly env: (name: string) => string | undefined;
  /** Home folder when the environment names none (Waypoint would ask the OS). Default: none. */
  readonly fallbackHome?: string;
}

/** One folder Waypoint searches. */
export interface SearchPath {
  /** The folder; `undefined` when it depends on a Waypoint project that is not known. */
  readonly dir: string | undefined;
  /** Where the folder comes from. */
  readonly why: string;
}

function pathOf(os: string): typeof posix {
  return os === "windows" ? win32 : posix;
}

/** The home folder adrg/xdg v0.2.1 uses: `$HOME`, or `%USERPROFILE%` on Windows. */
function xdgHome(host: HostInfo): string {
  return host.env(host.os === "windows" ? "USERPROFILE" : "HOME") || host.fallbackHome || "";
}

/**
 * The home folder mitchellh/go-homedir v1.1.0 (Waypoint's `homedir.Dir()`)
 * finds: `$HOME`; on Windows `%HOME%`, `%USERPROFILE%`, then
 * `%HOMEDRIVE%%HOMEPATH%`. Throws `Error` when there is none.
 */
export function goHomeDir(host: HostInfo): string {
  const e = host.env;
  const home = host.os === "windows"
    ? e("HOME") || e("USERPROFILE") ||
      (e("HOMEDRIVE") && e("HOMEPATH") ? `${e("HOMEDRIVE")}${e("HOMEPATH")}` : undefined)
    : e("HOME");
  const found = home || host.fallbackHome;
  if (!found) throw new Error("Cannot find the home folder: set HOME (USERPROFILE on Windows)");
  return found;
}

/**
 * adrg/xdg v0.2.1's `ConfigHome`: `$XDG_CONFIG_HOME` if absolute (after
 * expanding a leading `~` or `$HOME`), else the OS default.
 *
 * @example
 * ```ts
 * import { xdgConfigHome } from "./install.ts";
 * const env = (vars: Record<string, string>) => (k: string) => vars[k];
 * console.assert(xdgConfigHome({ os: "linux", env: env({ HOME: "/h" }) }) === "/h/.config");
 * console.assert(
 *   xdgConfigHome({ os: "darwin", env: env({ HOME: "/Users/a" }) }) === "/Users/a/Library/Preferences",
 * );
 * console.assert(
 *   xdgConfigHome({ os: "linux", env: env({ HOME: "/h", XDG_CONFIG_HOME: "~/cfg" }) }) === "/h/cfg",
 * );
 * ```
 */
export function xdgConfigHome(host: HostInfo): string {
  const p = pathOf(host.os);
  const home = xdgHome(host);
  let defaultDir: string;
  if (host.os === "darwin") defaultDir = p.join(home, "Library", "Preferences");
  else if (host.os === "windows") {
    const appData = host.env("APPDATA") || p.join(home, "AppData");
    defaultDir = host.env("LOCALAPPDATA") || p.join(appData, "Local");
  } else defaultDir = p.join(home, ".config");
  let dir = host.env("XDG_CONFIG_HOME") ?? "";
  if (dir !== "" && home !== "") {
    if (dir.startsWith("~")) dir = p.join(home, dir.slice(1));
    else if (dir.startsWith("$HOME")) dir = p.join(home, dir.slice(5));
  }
  return dir !== "" && p.isAbsolute(dir) ? dir : defaultDir;
}

/**
 * The folder `--global` installs into: `~/.config/waypoint/plugins` (search
 * path 4). It is the same on every OS, does not depend on XDG variables the
 * runner's environment may not share, and is what HashiCorp documents; on
 * Linux without `$XDG_CONFIG_HOME` it is also search path 3.
 */
export function userPluginDir(host: HostInfo): string {
  return pathOf(host.os).join(goHomeDir(host), ".config", "waypoint", "plugins");
}

/**
 * The folders Waypoint 0.11.4 searches for `waypoint-plugin-<name>`, in
 * order; `project` is the Waypoint project folder (`undefined`: unknown).
 *
 * @example On Linux
 * ```ts
 * import { waypointSearchPaths } from "./install.ts";
 * const env = (k: string) => ({ HOME: "/home/ada" } as Record<string, string>)[k];
 * const dirs = waypointSearchPaths("/src/app", { os: "linux", env }).map((p) => p.dir);
 * console.assert(dirs.join(" ") === "/src/app /src/app/.waypoint/plugins " +
 *   "/home/ada/.config/waypoint/plugins /home/ada/.config/waypoint/plugins");
 * ```
 */
export function waypointSearchPaths(project: string | undefined, host: HostInfo): SearchPath[] {
  const p = pathOf(host.os);
  const xdgWhy = host.os === "darwin"
    ? "$XDG_CONFIG_HOME/waypoint/plugins (unset: ~/Library/Preferences/…), via adrg/xdg"
    : host.os === "windows"
    ? "%XDG_CONFIG_HOME%\\waypoint\\plugins (unset: %LOCALAPPDATA%\\…), via adrg/xdg"
    : "$XDG_CONFIG_HOME/waypoint/plugins (unset: ~/.config/…), via adrg/xdg";
  return [
    { dir: project, why: "the Waypoint project (the runner's working directory)" },
    {
      dir: project === undefined ? undefined : p.join(project, ".waypoint", "plugins"),
      why: "the project's plugins",
    },
    { dir: p.join(xdgConfigHome(host), "waypoint", "plugins"), why: xdgWhy },
    { dir: userPluginDir(host), why: "~/.config/waypoint/plugins (hard-coded)" },
  ];
}

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

function launcherArgs(o: LauncherOptions): string[] {
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
 * import { launcherScript } from "./install.ts";
 * const sh = launcherScript({
 *   deno: "/usr/bin/deno", permissions: ["--allow-env"], config: "/p/deno.json",
 *   entry: "/p/main.ts", name: "x",
 * });
 * console.assert(sh.endsWith(
 *   "--heap-growing-percent=30 --allow-env --config /p/deno.json /p/main.ts \"$@\"\n",
 * ));
 * ```
 */
export function launcherScript(o: LauncherOptions): string {
  return `#!/bin/sh
# waypoint-plugin-${o.name}: development launcher written by \`install --dev\`.
# Runs the plugin from source, so edits apply on the next Waypoint run.
exec ${launcherArgs(o).map(shellQuote).join(" ")} "$@"
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

/** The help text. */
export const HELP: string = `Usage: install [options]

Installs waypoint-plugin-<name> where Waypoint finds it: this machine's compiled binary
(<out>/<os>_<arch>/waypoint-plugin-<name>[.exe], from \`compile\`), or with --dev a launcher
that runs the source with \`deno run\` (no compile step). Then prints where Waypoint looks.

Destination:
  <project>/.waypoint/plugins    when --project is given, or the current folder has a
                                 waypoint.hcl
  ~/.config/waypoint/plugins     with --global, or when there is no Waypoint project

Options:
  --name <name>      plugin name, as in \`use "<name>"\` (default: deno.json "name" without
                     its @scope/ and waypoint-plugin- prefix, else the folder's name)
  --project <dir>    the Waypoint project (the folder with waypoint.hcl) to install into
  --global           install into ~/.config/waypoint/plugins (for every project)
  --dev              install a launcher: deno run --no-prompt --quiet <permissions>
                     --config <deno.json> <entry> (a #!/bin/sh script; on Windows also .cmd)
  --entry <file>     the plugin's main module, for --dev (default: main.ts)
  --allow <perms>    permissions for --dev, as for compile (default: deno.json
                     {"waypoint": {"permissions": [...]}}, else env,read,write,net,run,sys)
  --out <dir>        where compile wrote the binaries (default: bin)
  --print-paths      only print where Waypoint looks, and which copy it would run
  -h, --help         show this help

Where Waypoint 0.11.4 looks, in order (internal/plugin/discover.go): the project folder,
<project>/.waypoint/plugins, $XDG_CONFIG_HOME/waypoint/plugins (unset: ~/.config on
Linux, ~/Library/Preferences on macOS, %LOCALAPPDATA% on Windows), ~/.config/waypoint/plugins.
On Windows it looks for the name without .exe, and Go runs the .exe (or .cmd) next to it.

Run it in the plugin project's folder. Exit status: 0 done, 1 failed, 2 usage error.
`;

class InstallError extends Error {}

async function isFile(path: string): Promise<boolean> {
  return (await Deno.stat(path).catch(() => undefined))?.isFile === true;
}

async function isDir(path: string): Promise<boolean> {
  return (await Deno.stat(path).catch(() => undefined))?.isDirectory === true;
}

/**
 * The search order as text: each folder with `found` (a plugin file is
 * there), `no plugin` or `no folder`, and an arrow at the one Waypoint runs.
 */
export async function describeSearch(
  paths: readonly SearchPath[],
  name: string,
  installed?: string,
): Promise<{ text: string; picked?: string }> {
  const file = `waypoint-plugin-${name}`;
  const width = Math.max(...paths.map((p) => (p.dir ?? "<project>").length));
  const lines = [`Where Waypoint 0.11 looks for ${file}, in order (the first found wins):`];
  let picked: string | undefined;
  for (const [i, p] of paths.entries()) {
    let status = "unknown  ";
    let mark = "";
    if (p.dir !== undefined) {
      const path = resolve(p.dir, file);
      if (await isFile(path)) {
        status = "found    ";
        if (picked === undefined) {
          picked = path;
          mark = "  <- Waypoint runs this one";
        }
        if (installed !== undefined && path === installed) mark += " (installed now)";
      } else status = await isDir(p.dir) ? "no plugin" : "no folder";
    }
    lines.push(`  ${i + 1}. ${status}  ${(p.dir ?? "<project>").padEnd(width)}  ${p.why}${mark}`);
  }
  if (picked === undefined) {
    lines.push(`Waypoint finds no ${file}: it would use a built-in plugin of that name, if any.`);
  }
  return { text: lines.join("\n"), picked };
}

/** Runs the tool with command-line arguments; returns the exit status. */
export async function main(args: string[]): Promise<number> {
  try {
    return await install(args);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(HELP);
      console.error(`error: ${err.message}`);
      return 2;
    }
    if (err instanceof InstallError) {
      console.error(`error: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        name: { type: "string" },
        project: { type: "string" },
        global: { type: "boolean", default: false },
        dev: { type: "boolean", default: false },
        entry: { type: "string", default: "main.ts" },
        allow: { type: "string", multiple: true, default: [] },
        out: { type: "string", default: "bin" },
        "print-paths": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function install(args: string[]): Promise<number> {
  const v = parse(args);
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  const cwd = Deno.cwd();
  const config = await readProjectConfig(cwd);
  const name = v.name !== undefined ? checkPluginName(v.name, "--name") : checkPluginName(
    defaultPluginName(config.name, cwd),
    config.name ? "deno.json name" : "folder name",
  );
  let project: string | undefined;
  if (v.project !== undefined) {
    project = resolve(v.project);
    if (!await isDir(project)) {
      throw new UsageError(
        `--project "${v.project}" is not a folder: pass the Waypoint project's folder (the one ` +
          `with waypoint.hcl), or --global`,
      );
    }
  } else if (await isFile(resolve("waypoint.hcl")) || await isFile(resolve("waypoint.hcl.json"))) {
    project = cwd;
  }
  const host: HostInfo = {
    os: Deno.build.os,
    env: (k) => Deno.env.get(k),
    fallbackHome: homedir(),
  };
  const paths = waypointSearchPaths(project, host);

  if (v["print-paths"]) {
    console.log((await describeSearch(paths, name)).text);
    return 0;
  }

  const dest = v.global || project === undefined ? userPluginDir(host) : paths[1].dir!;
  const why = v.global
    ? "--global"
    : project === undefined
    ? "no Waypoint project here (no waypoint.hcl; pass --project <dir> to install into one)"
    : v.project !== undefined
    ? "--project"
    : "waypoint.hcl in the current folder";
  const { write, remove } = installNames(name, Deno.build.os, v.dev);

  let contents: (file: string) => Uint8Array;
  let summary: string;
  if (v.dev) {
    const entry = resolve(v.entry);
    if (!await isFile(entry)) {
      throw new UsageError(
        `--entry "${v.entry}" was not found in ${cwd}: pass the plugin's main module, ` +
          `e.g. --entry main.ts`,
      );
    }
    const opts: LauncherOptions = {
      deno: Deno.execPath(),
      permissions: resolvePermissions(v.allow, config),
      config: config.path,
      entry,
      name,
    };
    const sh = new TextEncoder().encode(launcherScript(opts));
    const cmd = new TextEncoder().encode(launcherCmd(opts));
    contents = (file) => file.endsWith(".cmd") ? cmd : sh;
    summary = `a launcher: ${Deno.execPath()} run … ${entry}`;
  } else {
    const target = hostTarget(Deno.build.os, Deno.build.arch);
    if (!target) {
      throw new InstallError(
        `deno compile has no target for this machine (${Deno.build.os} ${Deno.build.arch}): ` +
          `install a launcher with --dev`,
      );
    }
    const source = resolve(v.out, target.goName, binaryName(name, target.os));
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(source);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
      throw new InstallError(
        `no ${target.goName} binary at ${source}: build it with \`compile --name ${name} ` +
          `--target ${target.goName}\` (deno task compile), or install a launcher with --dev`,
      );
    }
    contents = () => bytes;
    summary = `the ${target.goName} binary from ${source} (${bytes.length} bytes)`;
  }

  await Deno.mkdir(dest, { recursive: true });
  for (const file of remove) {
    const path = resolve(dest, file);
    if (await isFile(path)) {
      await Deno.remove(path);
      console.log(`removed ${path} (Windows would run it instead)`);
    }
  }
  const written: string[] = [];
  for (const file of write) {
    const path = resolve(dest, file);
    // Write beside and rename: replacing a running binary in place fails ("text file busy").
    const tmp = resolve(dest, `.${file}.tmp-${Deno.pid}`);
    await Deno.writeFile(tmp, contents(file), { mode: 0o755 });
    if (Deno.build.os !== "windows") await Deno.chmod(tmp, 0o755);
    await Deno.rename(tmp, path);
    written.push(path);
  }
  console.log(`installed ${written.join(" and ")}`);
  console.log(`  ${summary}`);
  console.log(`  into ${dest} (${why})\n`);
  const installed = resolve(dest, `waypoint-plugin-${name}`);
  const { text, picked } = await describeSearch(paths, name, installed);
  console.log(text);
  if (picked !== undefined && picked !== installed) {
    console.error(
      `warning: Waypoint runs ${picked} first, not the copy just installed: remove it, ` +
        `or install there`,
    );
  }
  if (project === undefined) {
    console.log(
      `(folders 1 and 2 depend on the Waypoint project: pass --project <dir> to check them)`,
    );
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
