/**
 * `compile`: builds a plugin's release binaries with `deno compile` — one per
 * target Deno can compile for, with the plugin's permissions baked in and
 * prompts off (a prompt would read Waypoint's own stdin) — plus a zip per
 * target and a `SHA256SUMS` file.
 *
 * ```sh
 * deno run -A jsr:@x/waypoint-plugin/compile --name gobuilder            # every target
 * deno run -A jsr:@x/waypoint-plugin/compile --target linux_amd64 --dry-run
 * ```
 *
 * Layout (Go's `<os>_<arch>` names, as HashiCorp's plugin Makefiles use):
 *
 * ```
 * bin/linux_amd64/waypoint-plugin-<name>
 * bin/windows_amd64/waypoint-plugin-<name>.exe   (and waypoint-plugin-<name>: see below)
 * bin/waypoint-plugin-<name>_<version>_<os>_<arch>.zip
 * bin/SHA256SUMS
 * ```
 *
 * Waypoint 0.11 compares `runtime.GOOS == "windows "` (with a space), so on
 * Windows it probes `waypoint-plugin-<name>` without `.exe`; Go's `os/exec`
 * then resolves that path through `PATHEXT` to the `.exe`. Windows targets
 * therefore get both names.
 *
 * What each binary embeds is the plugin's bundle: `deno bundle` first
 * writes the plugin and its npm packages as one file to a temporary folder
 * (removed afterwards), and each target's `deno compile` embeds that file;
 * `--no-bundle` embeds the entry's module graph instead.
 *
 * The parts live in `compile/`, one file per concern: `targets`, `project`
 * (name, version, deno.json), `permissions`, `bundle` (the `deno bundle`
 * step), `invocations`, `npm_excludes` (npm files no plugin loads, left out
 * of a `--no-bundle` binary), `runtime`
 * (denort), `zip`, `checksums`, `build` (the runs) and `command`; `install`
 * and the tests import them from there.
 *
 * @module
 */
export { HELP, main } from "./compile/command.ts";
import { main } from "./compile/command.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));
