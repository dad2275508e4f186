/**
 * The bundle `install --dev` keeps of a plugin's source on Linux and macOS:
 * the launcher runs it (one module, no npm resolution: a bundle starts ~15 ms
 * sooner than `deno run` of the source, and Waypoint starts a plugin process
 * 6 times per `waypoint build` and 13 to 15 per `waypoint up`), and rebuilds
 * it first when a file of the plugin's module graph, its deno.json or its
 * lockfile is newer than the bundle, so an edit still applies on the next
 * run. A rebuild that fails leaves the launcher running the source, which
 * then shows the error.
 *
 * The cache folder holds `rebuild.js` (written by `install`, no imports), the
 * bundle `<name>/main.js` (the folder carries the plugin's name, which
 * `serve()` falls back to) and `sources`, the files whose change makes the
 * bundle stale, one path per line.
 *
 * @module
 */
import { join } from "node:path";
import { shellQuote } from "../cli.ts";
import { asciiOnly, bundleArgs } from "../compile/bundle.ts";
import { eagerWrappers } from "../compile/eager.ts";
import { PLUGIN_V8_FLAGS } from "../../permissions.ts";
import type { HostInfo } from "./search_paths.ts";
import { launcherArgs, launcherWord } from "./launcher.ts";

/** What the bundle and its launcher are made from. */
export interface DevBundleOptions {
  /** Absolute path of the `deno` to run. */
  readonly deno: string;
  /** The plugin's permission flags (serve()'s and the declared ones). */
  readonly permissions: readonly string[];
  /** Absolute path of the project's deno.json, if it has one. */
  readonly config?: string;
  /** Absolute path of the entry module. */
  readonly entry: string;
  /** The plugin name. */
  readonly name: string;
  /** The cache folder ({@linkcode devBundleDir}). */
  readonly dir: string;
}

/** FNV-1a of `s`, hex: a short stable name for an entry path. */
function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

/**
 * The cache folder of one plugin entry: `$XDG_CACHE_HOME` (default
 * `~/.cache`; `~/Library/Caches` on macOS) `/waypoint-plugin/dev/<name>-<hash
 * of the entry path>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { devBundleDir } from "./dev_bundle.ts";
 * const env = (k: string) => ({ HOME: "/home/ada" } as Record<string, string>)[k];
 * assert.match(
 *   devBundleDir({ os: "linux", env }, "demo", "/src/demo/main.ts"),
 *   /^\/home\/ada\/\.cache\/waypoint-plugin\/dev\/demo-[0-9a-f]{8}$/,
 * );
 * ```
 */
export function devBundleDir(host: HostInfo, name: string, entry: string): string {
  const home = host.env("HOME") || host.fallbackHome || "";
  const xdg = host.env("XDG_CACHE_HOME");
  const root = xdg && xdg.startsWith("/")
    ? xdg
    : host.os === "darwin"
    ? join(home, "Library", "Caches")
    : join(home, ".cache");
  return join(root, "waypoint-plugin", "dev", `${name}-${hash(entry)}`);
}

/** Where the bundle goes in the cache folder. */
export function devBundlePath(o: Pick<DevBundleOptions, "dir" | "name">): string {
  return join(o.dir, o.name, "main.js");
}

/**
 * `rebuild.js`: bundles the entry into a temporary file as `compile` does
 * (`deno bundle`, then ASCII only and eager wrappers; without compile's
 * type check), lists the module graph's local files
 * (`deno info --json`) with deno.json and its lockfile into `sources`, and
 * renames both into place; the bundle's mtime is two seconds before the
 * rebuild started, so a file edited meanwhile makes it stale again. Everything it prints goes
 * to stderr. Exit 1 when the bundle fails.
 */
export function rebuildScript(o: DevBundleOptions): string {
  const bundle = devBundlePath(o);
  // No type check (deno run of the source does none either), and a .js name for the
  // temporary file: deno bundle adds its require() shim for Deno by the output's extension.
  const args = bundleArgs({ name: o.name, entry: o.entry, config: o.config }, "@OUT@")
    .filter((a) => a !== "--check");
  const lock = o.config ? join(o.config, "..", "deno.lock") : undefined;
  const info = ["info", "--json", ...(o.config ? ["--config", o.config] : []), o.entry];
  return `// Written by \`install --dev\`: rebuilds ${bundle}
// from ${o.entry} when its launcher finds a source newer than the bundle.
const DENO = ${JSON.stringify(o.deno)};
const BUNDLE = ${JSON.stringify(bundle)};
const SOURCES = ${JSON.stringify(join(o.dir, "sources"))};
const EXTRA = ${JSON.stringify([o.config, lock].filter(Boolean))};
const asciiOnly = ${asciiOnly.toString()};
const eagerWrappers = ${eagerWrappers.toString()};
// Two seconds early: some shells' test -nt compares whole seconds (macOS's bash 3.2), and a
// file edited while this runs must still be newer. At worst one more rebuild follows.
const started = new Date(Date.now() - 2000);
const tmp = ${JSON.stringify(join(o.dir, o.name, "main."))} + Deno.pid + ".tmp.js";
const run = (args) => new Deno.Command(DENO, { args, stdin: "null", stdout: "piped", stderr: "piped" }).outputSync();
const say = (out) => Deno.stderr.writeSync(new Uint8Array([...out.stdout, ...out.stderr]));
Deno.mkdirSync(${JSON.stringify(join(o.dir, o.name))}, { recursive: true });
const bundled = run(${JSON.stringify(args)}.map((a) => a === "@OUT@" ? tmp : a));
if (!bundled.success) {
  say(bundled);
  try { Deno.removeSync(tmp); } catch { /* not written */ }
  Deno.exit(1);
}
const graph = run(${JSON.stringify(info)});
const files = new Set(EXTRA);
if (graph.success) {
  for (const m of JSON.parse(new TextDecoder().decode(graph.stdout)).modules ?? []) {
    if (typeof m.local === "string" && m.specifier.startsWith("file:")) files.add(m.local);
  }
} else {
  say(graph);
}
Deno.writeTextFileSync(SOURCES + ".tmp-" + Deno.pid, [...files].join("\\n") + "\\n");
Deno.renameSync(SOURCES + ".tmp-" + Deno.pid, SOURCES);
Deno.writeTextFileSync(tmp, eagerWrappers(asciiOnly(Deno.readTextFileSync(tmp))).source);
Deno.utimeSync(tmp, started, started);
Deno.renameSync(tmp, BUNDLE);
`;
}

/** The `deno run` words that start the bundle as a compiled plugin starts: no config, lockfile, npm or remote modules. */
function bundleRun(o: DevBundleOptions): string[] {
  return [
    o.deno,
    "run",
    "--quiet",
    "--no-prompt",
    "--no-config",
    "--no-lock",
    "--no-npm",
    "--no-remote",
    PLUGIN_V8_FLAGS,
    ...o.permissions,
    devBundlePath(o),
  ];
}

/** The `deno run` words of `rebuild.js`: it reads the project and writes only the cache folder. */
export function rebuildRun(o: DevBundleOptions): string[] {
  return [
    o.deno,
    "run",
    "--quiet",
    "--no-prompt",
    "--no-config",
    `--allow-run=${o.deno}`,
    "--allow-read",
    `--allow-write=${o.dir}`,
    join(o.dir, "rebuild.js"),
  ];
}

/**
 * The `#!/bin/sh` launcher over the bundle: checks each file listed in
 * `sources` against the bundle's mtime (shell built-ins only, ~1 ms), runs
 * `rebuild.js` when one is newer or gone (its output on stderr, which
 * Waypoint logs; stdout stays the handshake's), and `exec`s the bundle, or
 * the source when the rebuild failed.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { bundleLauncherScript } from "./dev_bundle.ts";
 * const sh = bundleLauncherScript({
 *   deno: "/usr/bin/deno", permissions: ["--allow-env"], config: "/p/deno.json",
 *   entry: "/p/main.ts", name: "x", dir: "/c/x-1",
 * });
 * assert(sh.includes('[ "$f" -nt "$bundle" ]'));
 * assert(sh.includes("--no-remote --v8-flags="));
 * assert(sh.trimEnd().endsWith('/c/x-1/x/main.js "$@"'));
 * ```
 */
export function bundleLauncherScript(o: DevBundleOptions): string {
  const words = (ws: string[]) => ws.map(launcherWord).join(" ");
  return `#!/bin/sh
# waypoint-plugin-${o.name}: development launcher written by \`install --dev\`.
# Runs a bundle of the plugin's source, rebuilt first when a source file changed
# (so edits apply on the next Waypoint run); the source itself if that fails.
bundle=${shellQuote(devBundlePath(o))}
sources=${shellQuote(join(o.dir, "sources"))}
fresh=1
if [ -f "$bundle" ] && [ -f "$sources" ]; then
  while IFS= read -r f; do
    if [ ! -e "$f" ] || [ "$f" -nt "$bundle" ]; then fresh=; break; fi
  done < "$sources"
else
  fresh=
fi
if [ -z "$fresh" ] && ! ${rebuildRun(o).map(shellQuote).join(" ")} >&2; then
  exec ${words(launcherArgs(o))} "$@"
fi
exec ${words(bundleRun(o))} "$@"
`;
}
