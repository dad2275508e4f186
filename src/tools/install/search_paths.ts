/**
 * Where Waypoint 0.11.4 looks for `waypoint-plugin-<name>`, in order
 * (`DefaultPaths` in `internal/plugin/discover.go`), on any OS, and what
 * each of those folders holds now. The home and XDG rules are those of the
 * Go modules Waypoint links (mitchellh/go-homedir, adrg/xdg v0.2.1).
 *
 * @module
 */
import { posix, resolve, win32 } from "node:path";

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
 * import assert from "node:assert";
 * import { xdgConfigHome } from "./search_paths.ts";
 * const env = (vars: Record<string, string>) => (k: string) => vars[k];
 * assert(xdgConfigHome({ os: "linux", env: env({ HOME: "/h" }) }) === "/h/.config");
 * assert(
 *   xdgConfigHome({ os: "darwin", env: env({ HOME: "/Users/a" }) }) === "/Users/a/Library/Preferences",
 * );
 * assert(
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
 * import assert from "node:assert";
 * import { waypointSearchPaths } from "./search_paths.ts";
 * const env = (k: string) => ({ HOME: "/home/ada" } as Record<string, string>)[k];
 * const dirs = waypointSearchPaths("/src/app", { os: "linux", env }).map((p) => p.dir);
 * assert(dirs.join(" ") === "/src/app /src/app/.waypoint/plugins " +
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

/** Whether `path` is a file (following links). */
export async function isFile(path: string): Promise<boolean> {
  return (await Deno.stat(path).catch(() => undefined))?.isFile === true;
}

/** Whether `path` is a folder (following links). */
export async function isDir(path: string): Promise<boolean> {
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
