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
import { DEFAULT_PERMISSION_FLAGS, PLUGIN_V8_FLAGS } from "../../src/permissions.ts";

/** Permissions a plugin launched by `deno run` gets: what a compiled plugin bakes in. */
export const PLUGIN_PERMISSIONS: string[] = [...DEFAULT_PERMISSION_FLAGS];

/**
 * Writes an executable `waypoint-plugin-<name>` in `dir` that runs `entry`
 * with `deno run` (cached modules only, this repository's deno.json).
 */
export async function makeLauncher(dir: string, name: string, entry: string): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, `waypoint-plugin-${name}`);
  const deno = Deno.execPath();
  const config = join(REPO, "deno.json");
  await Deno.writeTextFile(
    path,
    `#!/bin/sh\nexec "${deno}" run --quiet --no-prompt --cached-only ${PLUGIN_V8_FLAGS} --config "${config}" ${
      PLUGIN_PERMISSIONS.join(" ")
    } "${entry}" "$@"\n`,
  );
  await Deno.chmod(path, 0o755);
  return path;
}
