/**
 * The `install` command line: where to put the plugin, what to put there
 * (this machine's compiled binary, or a launcher), writing it safely, and
 * the search order afterwards.
 *
 * @module
 */
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { CommandError, type ParsedCommandLine, runCli, UsageError } from "../cli.ts";
import { binaryName } from "../compile/invocations.ts";
import { resolvePermissions } from "../compile/permissions.ts";
import { pluginPermissionFlags } from "../../permissions.ts";
import { type ProjectConfig, readProjectConfig, resolvePluginName } from "../compile/project.ts";
import { hostTarget } from "../compile/targets.ts";
import {
  bundleLauncherScript,
  devBundleDir,
  type DevBundleOptions,
  devBundlePath,
  rebuildRun,
  rebuildScript,
} from "./dev_bundle.ts";
import { installNames, launcherCmd, launcherScript } from "./launcher.ts";
import {
  describeSearch,
  type HostInfo,
  isDir,
  isFile,
  type SearchPath,
  userPluginDir,
  waypointSearchPaths,
} from "./search_paths.ts";

/** The usage line errors end with. */
export const USAGE = "Usage: deno run -A jsr:@x/waypoint-plugin/install [options]";

/**
 * The tool's help text, what `--help` prints: its usage line and options.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { HELP } from "@x/waypoint-plugin/install";
 * assert(HELP.includes("--dev"));
 * ```
 */
export const HELP: string = `${USAGE}

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
  --dev              install a launcher instead of a binary: a #!/bin/sh script that runs a
                     bundle of the source (kept in $XDG_CACHE_HOME/waypoint-plugin/dev and
                     rebuilt when a source file changed, so edits apply on the next run), or
                     on Windows a .cmd running deno run --config <deno.json> <entry>
  --no-bundle        with --dev: the launcher runs the source with deno run (for a plugin
                     whose import() a bundler cannot follow)
  --entry <file>     the plugin's main module, for --dev (default: main.ts)
  --allow <perms>    the plugin's own permissions for --dev, as for compile (default:
                     deno.json {"waypoint": {"permissions": [...]}}, else none); what
                     serve() needs is added; the launcher adds read and write of the
                     TMPDIR and PLUGIN_UNIX_SOCKET_DIR it runs with
  --out <dir>        where compile wrote the binaries (default: bin)
  --print-paths      only print where Waypoint looks, and which copy it would run
  -h, --help         show this help

Where Waypoint 0.11.4 looks, in order (internal/plugin/discover.go): the project folder,
<project>/.waypoint/plugins, $XDG_CONFIG_HOME/waypoint/plugins (unset: ~/.config on
Linux, ~/Library/Preferences on macOS, %LOCALAPPDATA% on Windows), ~/.config/waypoint/plugins.
On Windows it looks for the name without .exe, and Go runs the .exe (or .cmd) next to it.

Run it in the plugin project's folder. Exit status: 0 done, 1 failed, 2 usage error.
`;

const CLI = {
  usage: USAGE,
  help: HELP,
  options: {
    name: { type: "string" },
    project: { type: "string" },
    global: { type: "boolean", default: false },
    dev: { type: "boolean", default: false },
    "no-bundle": { type: "boolean", default: false },
    entry: { type: "string", default: "main.ts" },
    allow: { type: "string", multiple: true, default: [] as string[] },
    out: { type: "string", default: "bin" },
    "print-paths": { type: "boolean", default: false },
  },
} as const;

type Values = ParsedCommandLine<typeof CLI.options>["values"];

/** The Waypoint project: `--project`, else the current folder when it has a waypoint.hcl. */
async function findProject(option: string | undefined, cwd: string): Promise<string | undefined> {
  if (option !== undefined) {
    const project = resolve(option);
    if (!await isDir(project)) {
      throw new UsageError(
        `--project "${option}" is not a folder: pass the Waypoint project's folder (the one ` +
          `with waypoint.hcl), or --global`,
      );
    }
    return project;
  }
  const hcl = await isFile(resolve("waypoint.hcl")) || await isFile(resolve("waypoint.hcl.json"));
  return hcl ? cwd : undefined;
}

/** The folder to install into, and why that one. */
function destination(
  v: Values,
  project: string | undefined,
  paths: SearchPath[],
  host: HostInfo,
): { dest: string; why: string } {
  if (v.global) return { dest: userPluginDir(host), why: "--global" };
  if (project === undefined) {
    return {
      dest: userPluginDir(host),
      why: "no Waypoint project here (no waypoint.hcl; pass --project <dir> to install into one)",
    };
  }
  const why = v.project !== undefined ? "--project" : "waypoint.hcl in the current folder";
  return { dest: paths[1].dir!, why };
}

/** What is written: each file's bytes, and a line saying what it is. */
interface Contents {
  bytes(file: string): Uint8Array;
  summary: string;
}

/**
 * On Linux and macOS: writes `rebuild.js` into the entry's cache folder and
 * runs it once, so the first Waypoint run starts from a bundle already;
 * returns what to say about it. A failed bundle is not an error: the
 * launcher then runs the source (and rebuilds once the source changes).
 */
async function prepareDevBundle(o: DevBundleOptions): Promise<string> {
  await Deno.mkdir(o.dir, { recursive: true });
  await Deno.writeTextFile(join(o.dir, "rebuild.js"), rebuildScript(o));
  const started = performance.now();
  const [deno, ...args] = rebuildRun(o);
  const out = await new Deno.Command(deno, {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    console.error(new TextDecoder().decode(out.stderr).trimEnd());
    return `the bundle failed (above): the launcher runs the source until it builds`;
  }
  return `bundled into ${devBundlePath(o)} in ${
    ((performance.now() - started) / 1000).toFixed(1)
  } s; rebuilt when a source file changes`;
}

async function launcher(
  v: Values,
  config: ProjectConfig,
  name: string,
  host: HostInfo,
): Promise<Contents> {
  const entry = resolve(v.entry);
  if (!await isFile(entry)) {
    throw new UsageError(
      `--entry "${v.entry}" was not found in ${Deno.cwd()}: pass the plugin's main module, ` +
        `e.g. --entry main.ts`,
    );
  }
  const opts = {
    deno: Deno.execPath(),
    permissions: pluginPermissionFlags(resolvePermissions(v.allow, config), Deno.build.os),
    config: config.path,
    entry,
    name,
  };
  const cmd = new TextEncoder().encode(launcherCmd(opts));
  if (host.os === "windows" || v["no-bundle"]) {
    // A .cmd cannot compare mtimes cheaply: Windows launchers run the source.
    const sh = new TextEncoder().encode(launcherScript(opts));
    return {
      bytes: (file) => file.endsWith(".cmd") ? cmd : sh,
      summary: `a launcher: ${Deno.execPath()} run … ${entry}`,
    };
  }
  const dev = { ...opts, dir: devBundleDir(host, name, entry) };
  const bundled = await prepareDevBundle(dev);
  const sh = new TextEncoder().encode(bundleLauncherScript(dev));
  return {
    bytes: () => sh,
    summary: `a launcher: ${Deno.execPath()} run … ${devBundlePath(dev)}\n  ${bundled}`,
  };
}

async function compiledBinary(out: string, name: string): Promise<Contents> {
  const target = hostTarget(Deno.build.os, Deno.build.arch);
  if (!target) {
    throw new CommandError(
      `deno compile has no target for this machine (${Deno.build.os} ${Deno.build.arch}): ` +
        `install a launcher with --dev`,
    );
  }
  const source = resolve(out, target.goName, binaryName(name, target.os));
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(source);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
    throw new CommandError(
      `No ${target.goName} binary at ${source}: build it with \`compile --name ${name} ` +
        `--target ${target.goName}\` (deno task compile), or install a launcher with --dev`,
    );
  }
  return {
    bytes: () => bytes,
    summary: `the ${target.goName} binary from ${source} (${bytes.length} bytes)`,
  };
}

/** Removes the stale siblings, then writes each file beside and renames it; returns the paths. */
async function writeFiles(
  dest: string,
  names: { write: string[]; remove: string[] },
  contents: Contents,
): Promise<string[]> {
  await Deno.mkdir(dest, { recursive: true });
  for (const file of names.remove) {
    const path = resolve(dest, file);
    if (await isFile(path)) {
      await Deno.remove(path);
      console.log(`removed ${path} (Windows would run it instead)`);
    }
  }
  const written: string[] = [];
  for (const file of names.write) {
    const path = resolve(dest, file);
    // Write beside and rename: replacing a running binary in place fails ("text file busy").
    const tmp = resolve(dest, `.${file}.tmp-${Deno.pid}`);
    await Deno.writeFile(tmp, contents.bytes(file), { mode: 0o755 });
    if (Deno.build.os !== "windows") await Deno.chmod(tmp, 0o755);
    await Deno.rename(tmp, path);
    written.push(path);
  }
  return written;
}

async function install(v: Values): Promise<number> {
  const cwd = Deno.cwd();
  const config = await readProjectConfig(cwd);
  const name = resolvePluginName(v.name, config, cwd);
  const project = await findProject(v.project, cwd);
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
  const { dest, why } = destination(v, project, paths, host);
  const contents = v.dev
    ? await launcher(v, config, name, host)
    : await compiledBinary(v.out, name);
  const written = await writeFiles(dest, installNames(name, Deno.build.os, v.dev), contents);
  console.log(`installed ${written.join(" and ")}`);
  console.log(`  ${contents.summary}`);
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

/**
 * Runs `install` with `args` (as on its command line); resolves to the exit
 * status (0 installed, 1 a failure, 2 a usage mistake).
 *
 * @example Where Waypoint would look for a plugin, and which copy it would run
 * ```ts
 * import assert from "node:assert";
 * import { main } from "@x/waypoint-plugin/install";
 * assert.equal(await main(["--print-paths", "--name", "myplugin"]), 0);
 * ```
 */
export function main(args: string[]): Promise<number> {
  return runCli(CLI, args, ({ values }) => install(values));
}
