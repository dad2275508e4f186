/**
 * The launchers this repository runs its TypeScript plugins through: a
 * `#!/bin/sh` script that execs `deno run` on the source (or on the bundle
 * `compile` embeds) with the permissions and V8 flags a compiled plugin
 * gets. A launcher is a legitimate plugin executable, since Waypoint only
 * execs a path.
 *
 * @module
 */
import { join } from "./path.ts";
import { REPO } from "./repo.ts";
import { DEFAULT_PERMISSION_FLAGS, PLUGIN_V8_FLAGS } from "../../src/permissions.ts";
import { writeBundle } from "../../src/tools/compile/bundle.ts";

/** Permissions a plugin launched by `deno run` gets: what a compiled plugin bakes in. */
export const PLUGIN_PERMISSIONS: string[] = [...DEFAULT_PERMISSION_FLAGS];

/**
 * Writes an executable `waypoint-plugin-<name>` in `dir` that runs `entry`
 * with `deno run` (cached modules only, this repository's deno.json).
 */
export function makeLauncher(dir: string, name: string, entry: string): Promise<string> {
  return writeLauncher(dir, name, [
    "--cached-only",
    PLUGIN_V8_FLAGS,
    "--config",
    join(REPO, "deno.json"),
    ...PLUGIN_PERMISSIONS,
    entry,
  ]);
}

/**
 * Writes an executable `waypoint-plugin-<name>` in `dir` that runs `bundle`
 * (from `deno bundle`, as `compile` makes it) the way a compiled plugin
 * starts: no deno.json, no lockfile, and no npm or remote module may be
 * loaded, so a bundle that is not self-contained fails.
 */
export function makeBundleLauncher(dir: string, name: string, bundle: string): Promise<string> {
  return writeLauncher(dir, name, [
    "--no-config",
    "--no-lock",
    "--no-npm",
    "--no-remote",
    PLUGIN_V8_FLAGS,
    ...PLUGIN_PERMISSIONS,
    bundle,
  ]);
}

/**
 * Bundles `entry` as `compile` does (this repository's deno.json) into
 * `dir/bundles/<name>/main.js` and writes its {@linkcode makeBundleLauncher}
 * launcher in `dir`: the plugin as a compiled binary runs it.
 */
export async function makeBundledLauncher(
  dir: string,
  name: string,
  entry: string,
): Promise<string> {
  const config = join(REPO, "deno.json");
  const bundle = await writeBundle({ name, entry, config }, join(dir, "bundles"));
  return await makeBundleLauncher(dir, name, bundle);
}

/** A `#!/bin/sh` script `dir/waypoint-plugin-<name>` that execs `deno run --quiet --no-prompt <args>`. */
async function writeLauncher(dir: string, name: string, args: string[]): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, `waypoint-plugin-${name}`);
  const words = [Deno.execPath(), "run", "--quiet", "--no-prompt", ...args].map((w) =>
    /^[\w@%+=:,./-]+$/.test(w) ? w : `"${w}"`
  );
  await Deno.writeTextFile(path, `#!/bin/sh\nexec ${words.join(" ")} "$@"\n`);
  await Deno.chmod(path, 0o755);
  return path;
}
