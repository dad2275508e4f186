/**
 * The launcher this repository runs its TypeScript plugins through: a
 * `#!/bin/sh` script that execs `deno run` on the source with the
 * permissions and V8 flags a compiled plugin gets. A launcher is a
 * legitimate plugin executable, since Waypoint only execs a path.
 *
 * @module
 */
import { join } from "./path.ts";
import { REPO } from "./repo.ts";
import { PLUGIN_V8_FLAGS, pluginPermissionFlags } from "../../src/permissions.ts";
import { launcherWord } from "../../src/tools/install/launcher.ts";

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
export async function makeLauncher(
  dir: string,
  name: string,
  entry: string,
  permissions: readonly string[] = declaredPermissions(entry),
): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, `waypoint-plugin-${name}`);
  const deno = Deno.execPath();
  const config = join(REPO, "deno.json");
  const flags = pluginPermissionFlags(permissions, Deno.build.os).map(launcherWord).join(" ");
  await Deno.writeTextFile(
    path,
    `#!/bin/sh\nexec "${deno}" run --quiet --no-prompt --cached-only ${PLUGIN_V8_FLAGS} --config "${config}" ${flags} "${entry}" "$@"\n`,
  );
  await Deno.chmod(path, 0o755);
  return path;
}
