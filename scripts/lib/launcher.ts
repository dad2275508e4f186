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
import { PLUGIN_V8_FLAGS, pluginPermissionFlags } from "../../src/permissions.ts";
import { launcherWord } from "../../src/tools/install/launcher.ts";
import { writeBundle } from "../../src/tools/compile/bundle.ts";
import { compileInvocations } from "../../src/tools/compile/invocations.ts";
import { TARGETS } from "../../src/tools/compile/targets.ts";

/**
 * The V8 flags `compile` bakes into a binary, read from its own invocation,
 * so that a bundle launcher starts V8 as a compiled plugin does even if the
 * two ever differ from the launchers' {@linkcode PLUGIN_V8_FLAGS}.
 */
export const COMPILE_V8_FLAGS: readonly string[] = compileInvocations({
  name: "plugin",
  entry: "main.ts",
  targets: [TARGETS[0]],
}).flatMap((inv) => inv.args.filter((a) => a.startsWith("--v8-flags=")));

/**
 * What each example plugin declares, as its deno.json `waypoint.permissions`
 * would (the examples share this repository's deno.json): gobuilder stats its
 * `source` folder in the project and runs `go`; localdeploy is a platform
 * that runs what it deploys.
 */
export const EXAMPLE_PERMISSIONS: Readonly<Record<string, readonly string[]>> = {
  gobuilder: ["read=.", "run=go"],
  // It runs whatever it deploys, with the environment Waypoint gives it, and signals it; its
  // release is a symlink, which Deno allows only with unscoped read and write.
  localdeploy: ["env", "read", "write", "run"],
};

/**
 * What the other plugins this repository launches get (tests/fixtures):
 * each is written to exercise the toolkit, not to show least privilege, so
 * they get what every plugin got before permissions could be declared.
 */
export const FIXTURE_PERMISSIONS: readonly string[] = ["env", "read", "write", "net", "run", "sys"];

/** The declared permissions of the plugin whose main module is `entry`. */
export function declaredPermissions(entry: string): readonly string[] {
  const m = /[\\/]examples[\\/]([^\\/]+)[\\/]main\.ts$/.exec(entry);
  return (m && EXAMPLE_PERMISSIONS[m[1]]) ?? FIXTURE_PERMISSIONS;
}

/** The permission flags of `entry`'s launcher on this OS: serve()'s and the declared ones. */
export function launcherPermissionFlags(entry: string): string[] {
  return pluginPermissionFlags(declaredPermissions(entry), Deno.build.os);
}

/**
 * Writes an executable `waypoint-plugin-<name>` in `dir` that runs `entry`
 * with `deno run` (cached modules only, this repository's deno.json, never
 * a prompt), with exactly the permissions the plugin declares plus what
 * `serve()` needs (`permissions`, default: {@linkcode declaredPermissions}).
 */
export function makeLauncher(
  dir: string,
  name: string,
  entry: string,
  permissions: readonly string[] = declaredPermissions(entry),
): Promise<string> {
  return writeLauncher(dir, name, [
    "--cached-only",
    PLUGIN_V8_FLAGS,
    "--config",
    join(REPO, "deno.json"),
    ...pluginPermissionFlags(permissions, Deno.build.os),
    entry,
  ]);
}

/**
 * Writes an executable `waypoint-plugin-<name>` in `dir` that runs `bundle`
 * (from `deno bundle`, as `compile` makes it) the way a compiled plugin
 * starts: no deno.json, no lockfile, and no npm or remote module may be
 * loaded, so a bundle that is not self-contained fails. It gets the
 * permissions a compiled plugin of it would bake in.
 */
export function makeBundleLauncher(
  dir: string,
  name: string,
  bundle: string,
  permissions: readonly string[],
): Promise<string> {
  return writeLauncher(dir, name, [
    "--no-config",
    "--no-lock",
    "--no-npm",
    "--no-remote",
    ...COMPILE_V8_FLAGS,
    ...pluginPermissionFlags(permissions, Deno.build.os),
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
  permissions: readonly string[] = declaredPermissions(entry),
): Promise<string> {
  const config = join(REPO, "deno.json");
  const bundle = await writeBundle({ name, entry, config }, join(dir, "bundles"));
  return await makeBundleLauncher(dir, name, bundle, permissions);
}

/** A `#!/bin/sh` script `dir/waypoint-plugin-<name>` that execs `deno run --quiet --no-prompt <args>`. */
async function writeLauncher(dir: string, name: string, args: string[]): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, `waypoint-plugin-${name}`);
  const words = [Deno.execPath(), "run", "--quiet", "--no-prompt", ...args].map(launcherWord);
  await Deno.writeTextFile(path, `#!/bin/sh\nexec ${words.join(" ")} "$@"\n`);
  await Deno.chmod(path, 0o755);
  return path;
}

/**
 * A copy of `launcher` at `<launcher>.<tag>` with the first `from` of its
 * text replaced by `to`: the same plugin start under a tool (callgrind,
 * Deno's profiler …). Throws when the launcher has no `from`.
 */
export async function launcherVariant(
  launcher: string,
  tag: string,
  from: string,
  to: string,
): Promise<string> {
  const text = await Deno.readTextFile(launcher);
  if (!text.includes(from)) throw new Error(`${launcher}: no ${JSON.stringify(from)} to replace`);
  const path = `${launcher}.${tag}`;
  await Deno.writeTextFile(path, text.replace(from, to));
  await Deno.chmod(path, 0o755);
  return path;
}
